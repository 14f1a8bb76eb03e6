"""Python migrations: load a file's module, and turn its exceptions into ``file:line`` errors."""

from __future__ import annotations

import importlib.util
import traceback
from pathlib import Path
from typing import Any

from pgshift.errors import MigrationError
from pgshift.sqlstate import STATE_HINTS


def load_python(path: Path) -> Any:
    """The migration's module, loaded afresh from its file."""
    name = f"pgshift_migration_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise MigrationError(f"{path}: cannot be loaded as a Python module.", path=path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise python_error(path, exc, "while loading") from exc
    return module


def python_error(path: Path, exc: BaseException, when: str) -> MigrationError:
    """A :class:`MigrationError` naming the line of ``path`` where ``exc`` was raised."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename) == path:
            line = frame.lineno
    state = getattr(exc, "sqlstate", None)
    where = f"{path}:{line}" if line else str(path)
    return MigrationError(
        f"{where}: {type(exc).__name__} {when}: {exc}".rstrip(),
        STATE_HINTS.get(state or "", "Fix the migration; its transaction was rolled back."),
        path=path,
        line=line,
        sqlstate=state,
    )
