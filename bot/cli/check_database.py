"""`check`: can the bot open its database, and is the schema the one this version needs?"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.cli.check_result import CheckResult
from bot.cli.database_problems import URL_SHAPE, database_fix, describe_database_error
from db.engine import is_sqlite
from db.migrate import current_revisions, head_revisions, known_revisions

CONNECT_TIMEOUT_S = 10.0


async def check_database(database_url: str) -> CheckResult:
    try:
        url = make_url(database_url)
    except ArgumentError:
        return CheckResult.failed("DATABASE_URL is not a database URL", f"use {URL_SHAPE}")
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
        return CheckResult.failed(
            f"cannot open the database {shown}: {describe_database_error(exc, url)}", database_fix(exc, url)
        )
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
