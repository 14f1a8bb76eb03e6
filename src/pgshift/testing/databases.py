"""A test database as a value: its name and URL (the password never shown)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlencode, urlsplit

from psycopg.conninfo import conninfo_to_dict


@dataclass(frozen=True, slots=True)
class TestDatabase:
    """A database for one test: its name and a ``postgresql://`` URL to connect to it."""

    name: str
    url: str

    __test__ = False  # not a test class, whatever pytest thinks of the name

    @property
    def sqlalchemy_url(self) -> str:
        """The URL for SQLAlchemy with the psycopg 3 driver (``postgresql+psycopg://``)."""
        return "postgresql+psycopg://" + self.url.removeprefix("postgresql://")

    def __repr__(self) -> str:
        # a failing test's report may show fixture values: never the password
        return f"TestDatabase(name={self.name!r}, url={_masked(self.url)!r})"


def database_url(server: str, name: str) -> str:
    """A ``postgresql://`` URL of database ``name`` on the server of ``server`` (a URL or
    a libpq conninfo string), every other parameter kept."""
    params = {k: str(v) for k, v in conninfo_to_dict(server).items() if v is not None}
    params.pop("dbname", None)
    user = params.pop("user", None)
    password = params.pop("password", None)
    netloc = ""
    if user is not None:
        netloc = quote(user, safe="")
        if password is not None:
            netloc += ":" + quote(password, safe="")
        netloc += "@"
    host, port = params.get("host", ""), params.get("port", "")
    # one plain host goes in the authority; a socket folder or several hosts, in the query
    if host and "," not in host and not host.startswith("/") and "," not in port:
        del params["host"]
        netloc += f"[{host}]" if ":" in host else host
        if port:
            del params["port"]
            netloc += f":{port}"
    query = urlencode(params, quote_via=quote)
    return f"postgresql://{netloc}/{quote(name, safe='')}" + (f"?{query}" if query else "")


def _masked(url: str) -> str:
    found = urlsplit(url)
    if found.password is None:
        return url
    return url.replace(":" + quote(unquote(found.password), safe="") + "@", ":***@", 1)
