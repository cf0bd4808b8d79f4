"""Schema upgrades and checks, for `python -m bot migrate` and for refusing to run on an old schema.

The alembic configuration is built from this package's location, so nothing depends on the current directory.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, MetaData, make_url, pool, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

import db.models  # noqa: F401  # registers every table on the metadata
from db.base import Base, schema_objects_on
from db.engine import create_engine, is_sqlite

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaOutdated(RuntimeError):
    """The database's schema is not the one this code was written for: `python -m bot migrate` fixes it."""

    def __init__(self, current: set[str], expected: set[str], message: str | None = None) -> None:
        self.current = current
        self.expected = expected
        shown = ", ".join(sorted(current)) or "empty (no tables)"
        super().__init__(
            message
            or f"the database schema is outdated (at {shown}, this version needs "
            f"{', '.join(sorted(expected))}): run `python -m bot migrate` first"
        )


class SchemaTooNew(SchemaOutdated):
    """A newer version of the bot migrated the database; migrating cannot help, upgrading the bot can."""

    def __init__(self, current: set[str], expected: set[str]) -> None:
        super().__init__(
            current,
            expected,
            f"the database schema ({', '.join(sorted(current))}) is newer than this version of the bot "
            f"knows ({', '.join(sorted(expected))}): run the newer version, or restore a matching backup",
        )


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


async def upgrade_to_head(url: str | URL) -> None:
    """Apply every migration not yet applied (safe to run twice, or from two processes at once)."""
    await _run_command(url, command.upgrade, "head")
    # Its callers say what was done in their own words (`migrate`, `run`): DEBUG keeps the start-up short.
    log.debug("database schema is at %s", ", ".join(sorted(head_revisions())))


async def upgrade_to(url: str | URL, revision: str) -> None:
    """Upgrade to `revision` only; for tests of one migration on the data of the ones before."""
    await _run_command(url, command.upgrade, revision)


async def downgrade_to(url: str | URL, revision: str) -> None:
    """Downgrade to `revision` ("base" empties the database); for tests and emergencies."""
    await _run_command(url, command.downgrade, revision)


async def current_revisions(url: str | URL) -> set[str]:
    async with _connect(url) as connection:
        return await connection.run_sync(_current_revisions)


async def schema_is_current(url: str | URL) -> bool:
    return await current_revisions(url) == head_revisions()


async def ensure_schema(url: str | URL, auto_migrate_sqlite: bool = True) -> set[str] | None:
    """Return when the schema is current; upgrade a SQLite database if allowed; else raise SchemaOutdated.

    Returns the revisions a SQLite database was upgraded from (empty: it was new), None when nothing was
    done. `SchemaTooNew` (a SchemaOutdated) when a newer version of the bot already migrated the database.
    """
    current = await current_revisions(url)
    expected = head_revisions()
    if current == expected:
        return None
    if current - known_revisions():
        raise SchemaTooNew(current, expected)
    if auto_migrate_sqlite and is_sqlite(url):
        log.debug("upgrading the SQLite schema from %s to %s", sorted(current) or "empty", sorted(expected))
        await upgrade_to_head(url)
        return current
    raise SchemaOutdated(current, expected)


async def schema_differences(url: str | URL, metadata: MetaData | None = None) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty when in step)."""
    async with _connect(url) as connection:
        return await connection.run_sync(_compare, metadata or Base.metadata)


def _current_revisions(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


def _compare(connection: Connection, metadata: MetaData) -> list[Any]:
    opts = {"compare_type": True, "include_object": schema_objects_on(connection.dialect.name)}
    context = MigrationContext.configure(connection, opts=opts)
    return list(compare_metadata(context, metadata))


# Any fixed number: two processes migrating the same PostgreSQL database at once take turns.
_MIGRATION_LOCK_ID = 7_412_339_001


# Alembic keeps the running migration in module globals (`alembic.context`): one command at a time per
# process, whatever the event loop. Between processes, PostgreSQL's advisory lock does the same.
_in_process: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


async def _run_command(url: str | URL, alembic_command: Any, revision: str) -> None:
    lock = _in_process.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        await _run_command_alone(url, alembic_command, revision)


async def _run_command_alone(url: str | URL, alembic_command: Any, revision: str) -> None:
    config = alembic_config()
    async with _connect(url) as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})

        def run(sync_connection: Connection) -> None:
            config.attributes["connection"] = sync_connection
            alembic_command(config, revision)

        await connection.run_sync(run)
        await connection.commit()


@asynccontextmanager
async def _connect(url: str | URL) -> AsyncIterator[AsyncConnection]:
    # A private, unpooled engine: migrations run once, before the bot's own engine exists.
    url = make_url(url)
    engine = (
        create_engine(url, poolclass=pool.NullPool)
        if is_sqlite(url)
        else create_async_engine(url, poolclass=pool.NullPool)
    )
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()
