"""Fewer round trips to PostgreSQL per unit of work: a cheaper check of a pooled connection, and no
transaction around a step that is one statement.

Every round trip costs the sender CPU (on a small machine 0.1-0.2 ms of system time: the send wakes the
server's process). SQLAlchemy's pool_pre_ping on asyncpg takes three at every checkout (BEGIN, an empty
query, ROLLBACK); the same check takes one outside a transaction. BEGIN and COMMIT are two more around a
statement that is all or nothing anyway.

And less work around each one: `run_unit` runs a unit of work written against SQLAlchemy's sync API in one
greenlet, where each call of the async API (check-out, begin, every execute, commit, close) starts a
greenlet of its own, and leaving `async with engine.connect()` starts a task to close the connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_, greenlet_spawn

from db.sqlite_units import runs_in_one_trip, unit_in_one_trip

T = TypeVar("T")


def ping_on_checkout(engine: AsyncEngine) -> None:
    """Every connection checked before it is handed out (as pool_pre_ping does), in one round trip: one the
    server closed (a restart, an idle timeout) is replaced, never failed."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(_dbapi: DBAPIConnection, record: ConnectionPoolEntry, _proxy: Any) -> None:
        driver = record.driver_connection  # asyncpg's; no transaction is open on it here
        if driver is None:
            return
        try:
            await_(driver.fetchrow(";"))
        except Exception as error:  # the pool drops the connection and opens another
            raise exc.DisconnectionError(f"a pooled connection failed its check: {error!r}") from error


async def run_unit(
    engine: AsyncEngine,
    work: Callable[[Connection], T],
    *,
    scope: Literal["transaction", "statement"],
    on_loop: bool = False,
) -> T:
    """`work(connection)` in one transaction (`scope="transaction"`), or (`"statement"`) a step that is a
    single statement: on PostgreSQL without BEGIN and COMMIT (the statement is its own transaction, all or
    nothing), on SQLite in a transaction as usual. `work` uses the sync API: it runs in a greenlet, where
    SQLAlchemy awaits the driver for it; on SQLite in aiosqlite's thread, all of it in one trip there
    (db/sqlite_units.py), unless `on_loop`: `work` calls back code of the caller's that belongs on the event
    loop's thread."""
    return await greenlet_spawn(_unit, engine.sync_engine, work, scope == "statement", on_loop)


def _unit(engine: Engine, work: Callable[[Connection], T], one_statement: bool, on_loop: bool) -> T:
    if not on_loop and runs_in_one_trip(engine):
        return unit_in_one_trip(engine, work)
    with engine.connect() as connection:
        if one_statement and connection.dialect.name == "postgresql":
            # Client-side on asyncpg (no round trip), and set back when the connection returns to the pool.
            connection.execution_options(isolation_level="AUTOCOMMIT")
            result = work(connection)
            connection.commit()
            return result
        with connection.begin():
            return work(connection)
