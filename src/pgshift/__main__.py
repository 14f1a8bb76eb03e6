"""``python -m pgshift``: the same as the ``pgshift`` command."""

from pgshift.cli import main

main()
