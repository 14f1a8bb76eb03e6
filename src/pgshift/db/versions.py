"""The PostgreSQL versions pgshift runs on, and the refusal of an older server."""

from __future__ import annotations

from pgshift.config import NEWEST_SERVER as NEWEST
from pgshift.config import OLDEST_SERVER as OLDEST

MIN_SERVER_VERSION = OLDEST * 10000
__all__ = ["MIN_SERVER_VERSION", "NEWEST", "OLDEST", "pretty"]


def pretty(server_version: int) -> str:
    """``120022`` -> ``12.22``; ``90624`` -> ``9.6.24``."""
    if server_version >= 100000:
        return f"{server_version // 10000}.{server_version % 10000}"
    major, rest = divmod(server_version, 10000)
    return f"{major}.{rest // 100}.{rest % 100}"
