"""The version of pgshift, recorded in every history row it writes."""

__version__ = "0.1.0"
