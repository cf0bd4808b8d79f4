"""What went wrong opening the database, in one line, and how to fix it (for `check` and for `run`)."""

from __future__ import annotations

from sqlalchemy import URL
from sqlalchemy.exc import ArgumentError, DBAPIError

URL_SHAPE = "postgresql+asyncpg://user:password@host:5432/dbname or sqlite+aiosqlite:///./data/bot.db"
# PostgreSQL's error codes for the mistakes people make in a URL.
_SQLSTATE_FIXES = {
    "3D000": "create the database (e.g. `createdb {db}`) or correct its name at the end of DATABASE_URL",
    "28P01": "correct the user name or password in DATABASE_URL",
    "28000": "correct the user name in DATABASE_URL, or create that role in PostgreSQL",
}


def describe_database_error(exc: Exception, url: URL) -> str:
    text = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc) or type(exc).__name__
    text = text.splitlines()[0] if text else type(exc).__name__
    if url.password:
        text = text.replace(str(url.password), "***")
    return text


def database_fix(exc: Exception, url: URL) -> str:
    if isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None)
        if isinstance(state, str) and state in _SQLSTATE_FIXES:
            return _SQLSTATE_FIXES[state].format(db=url.database or "")
        return "check the user, password and database name in DATABASE_URL"
    if isinstance(exc, ArgumentError):  # includes "no such dialect/driver"
        return f"DATABASE_URL must look like {URL_SHAPE}"
    if isinstance(exc, ConnectionRefusedError):
        return (
            f"nothing listens at {url.host}:{url.port or 5432}: start the database server "
            "or correct the host and port in DATABASE_URL"
        )
    if isinstance(exc, OSError):
        return f"check the host name {url.host!r} in DATABASE_URL and the network between here and it"
    return "check DATABASE_URL and that the database server is running"
