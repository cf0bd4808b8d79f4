"""`run`'s first step: the database opens and its schema is the one this version needs (SQLite upgrades)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from bot.cli.database_problems import URL_SHAPE, database_fix, describe_database_error
from bot.cli.startup_failure import StartupFailure
from db.engine import is_sqlite
from db.migrate import SchemaOutdated, SchemaTooNew, ensure_schema, head_revisions

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 15.0


async def prepare_database(database_url: str) -> None:
    """Log one line for the database, or raise StartupFailure with the fix."""
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise StartupFailure("DATABASE_URL is not a database URL", f"use {URL_SHAPE}", exit_code=2) from exc
    shown = url.render_as_string(hide_password=True)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            upgraded_from = await ensure_schema(url, auto_migrate_sqlite=is_sqlite(url))
    except SchemaTooNew as exc:
        raise StartupFailure(
            f"database {shown}: {exc}", "run the newer version of the bot", exit_code=2
        ) from exc
    except SchemaOutdated as exc:
        raise StartupFailure(
            f"database {shown}: the schema is older than this version needs",
            "run `python -m bot migrate` (with compose: `docker compose run --rm migrate`)",
            exit_code=2,
        ) from exc
    except TimeoutError as exc:
        raise StartupFailure(
            f"database {shown} did not answer within {CONNECT_TIMEOUT_S:.0f} s",
            "check the host and port in DATABASE_URL and that the server is reachable from here",
        ) from exc
    except Exception as exc:  # every driver has its own errors; each is reported with a fix
        raise StartupFailure(
            f"cannot open the database {shown}: {describe_database_error(exc, url)}", database_fix(exc, url)
        ) from exc
    schema = ", ".join(sorted(head_revisions()))
    if upgraded_from is None:
        log.info("database %s: schema %s is current", shown, schema)
    else:
        before = ", ".join(sorted(upgraded_from)) or "empty"
        log.info("database %s: schema upgraded from %s to %s", shown, before, schema)
