"""`check`: can the bot open its database, and is the schema the one this version needs?"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from bot.cli.check_result import CheckResult
from db.engine import is_sqlite
from db.migrate import current_revisions, head_revisions, known_revisions

CONNECT_TIMEOUT_S = 10.0
_URL_SHAPE = "postgresql+asyncpg://user:password@host:5432/dbname or sqlite+aiosqlite:///./data/bot.db"
# PostgreSQL's error codes for the mistakes people make in a URL.
_SQLSTATE_FIXES = {
    "3D000": "create the database (e.g. `createdb {db}`) or correct its name at the end of DATABASE_URL",
    "28P01": "correct the user name or password in DATABASE_URL",
    "28000": "correct the user name in DATABASE_URL, or create that role in PostgreSQL",
}


async def check_database(database_url: str) -> CheckResult:
    try:
        url = make_url(database_url)
    except ArgumentError:
        return CheckResult.failed("DATABASE_URL is not a database URL", f"use {_URL_SHAPE}")
    shown = url.render_as_string(hide_password=True)
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None and not sqlite_file.exists():
        return CheckResult.passed(
            f"database {shown}: the SQLite file does not exist yet; `run` creates and migrates it"
        )
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            current = await current_revisions(url)
    except TimeoutError:
        return CheckResult.failed(
            f"database {shown} did not answer within {CONNECT_TIMEOUT_S:.0f} s",
            "check the host and port in DATABASE_URL and that the server is reachable from here",
        )
    except Exception as exc:  # every driver has its own errors; each is reported with a fix
        return CheckResult.failed(f"cannot open the database {shown}: {_describe(exc, url)}", _fix(exc, url))
    return _schema_result(shown, current, sqlite=sqlite_file is not None)


def _schema_result(shown: str, current: set[str], *, sqlite: bool) -> CheckResult:
    expected = head_revisions()
    at = ", ".join(sorted(current)) or "empty (no tables)"
    if current == expected:
        return CheckResult.passed(f"database {shown}: schema is current ({at})")
    if current - known_revisions():
        return CheckResult.failed(
            f"database {shown}: schema {at} is newer than this version of the bot knows",
            "run the newer version of the bot, or restore a backup that matches this one",
        )
    if sqlite:
        return CheckResult.passed(f"database {shown}: schema {at} is upgraded automatically at start")
    return CheckResult.failed(
        f"database {shown}: schema is {at}, this version needs {', '.join(sorted(expected))}",
        "run `python -m bot migrate` (with compose: `docker compose run --rm migrate`)",
    )


def _sqlite_file(url: URL) -> Path | None:
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _describe(exc: Exception, url: URL) -> str:
    text = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc) or type(exc).__name__
    text = text.splitlines()[0] if text else type(exc).__name__
    if url.password:
        text = text.replace(str(url.password), "***")
    return text


def _fix(exc: Exception, url: URL) -> str:
    if isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None)
        if isinstance(state, str) and state in _SQLSTATE_FIXES:
            return _SQLSTATE_FIXES[state].format(db=url.database or "")
        return "check the user, password and database name in DATABASE_URL"
    if isinstance(exc, ArgumentError):  # includes "no such dialect/driver"
        return f"DATABASE_URL must look like {_URL_SHAPE}"
    if isinstance(exc, ConnectionRefusedError):
        return (
            f"nothing listens at {url.host}:{url.port or 5432}: start the database server "
            "or correct the host and port in DATABASE_URL"
        )
    if isinstance(exc, OSError):
        return f"check the host name {url.host!r} in DATABASE_URL and the network between here and it"
    return "check DATABASE_URL and that the database server is running"
