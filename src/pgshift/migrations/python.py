"""Python migrations: load a file's module, and turn its exceptions into ``file:line`` errors.

A migration's code may raise anything, ``SystemExit`` and ``KeyboardInterrupt``
included: each fails the migration, never pgshift. Only a real signal (Ctrl-C,
SIGTERM) delivered while the code runs still stops pgshift; :func:`guarded` tells
the two apart.
"""

from __future__ import annotations

import contextlib
import importlib.util
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from pgshift.db.sqlstate import STATE_HINTS
from pgshift.errors import MigrationError, PgshiftError

_SIGNALS: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_seen() -> Iterator[list[int]]:
    """Note each SIGINT or SIGTERM delivered meanwhile, then let its handler run as before."""
    seen: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield seen  # signals reach the main thread only: none can interrupt this code
        return
    previous: dict[int, Callable[[int, FrameType | None], Any]] = {}
    for number in _SIGNALS:
        handler = signal.getsignal(number)
        if not callable(handler):
            continue  # ignored, or the default action: it never raises into the code

        def noting(
            signum: int,
            frame: FrameType | None,
            handler: Callable[[int, FrameType | None], Any] = handler,
        ) -> Any:
            seen.append(signum)
            return handler(signum, frame)

        previous[number] = handler
        signal.signal(number, noting)
    try:
        yield seen
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def guarded(path: Path, when: str, *, transaction: bool = True) -> Iterator[None]:
    """Run a migration's code: whatever it raises becomes a :class:`MigrationError`
    naming ``path:line``, except a signal sent to pgshift, which goes on stopping it."""
    with _signals_seen() as seen:
        try:
            yield
        except PgshiftError:
            raise
        except KeyboardInterrupt as exc:
            if seen:
                raise
            raise python_error(path, exc, when, transaction=transaction) from exc
        except (Exception, SystemExit) as exc:
            raise python_error(path, exc, when, transaction=transaction) from exc


def load_python(path: Path) -> Any:
    """The migration's module, loaded afresh from its file."""
    name = f"pgshift_migration_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise MigrationError(f"{path}: cannot be loaded as a Python module.", path=path)
    module = importlib.util.module_from_spec(spec)
    with guarded(path, "while loading"):
        spec.loader.exec_module(module)
    return module


def _exiting(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return "called sys.exit()" + ("" if exc.code is None else f" (exit code {exc.code})")
    return "raised KeyboardInterrupt"


def python_error(
    path: Path, exc: BaseException, when: str, *, transaction: bool = True
) -> MigrationError:
    """A :class:`MigrationError` naming the line of ``path`` where ``exc`` was raised."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename) == path:
            line = frame.lineno
    state = getattr(exc, "sqlstate", None)
    where = f"{path}:{line}" if line else str(path)
    kept = (
        "its transaction was rolled back and nothing of it was recorded."
        if transaction
        else "it runs outside a transaction (transaction = False), so what it did before "
        "that stays; nothing of it was recorded."
    )
    if isinstance(exc, SystemExit | KeyboardInterrupt):
        message = f"{where}: {_exiting(exc)} {when}; a migration cannot end pgshift."
        hint = f"Raise an exception to fail the migration, or return to finish it; {kept}"
    else:
        message = f"{where}: {type(exc).__name__} {when}: {exc}".rstrip()
        hint = STATE_HINTS.get(state or "", f"Fix the migration; {kept}")
    return MigrationError(message, hint, path=path, line=line, sqlstate=state)
