"""Fewer round trips to PostgreSQL per unit of work: a cheaper check of a pooled connection, and no
transaction around a step that is one statement.

Every round trip costs the sender CPU (on a small machine 0.1-0.2 ms of system time: the send wakes the
server's process). SQLAlchemy's pool_pre_ping on asyncpg takes three at every checkout (BEGIN, an empty
query, ROLLBACK); the same check takes one outside a transaction. BEGIN and COMMIT are two more around a
statement that is all or nothing anyway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_


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


@asynccontextmanager
async def one_statement(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for a step that is a single statement: on PostgreSQL without BEGIN and COMMIT (the
    statement is its own transaction, all or nothing); on SQLite in a transaction as usual."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Client-side on asyncpg (no round trip), and set back when the connection returns to the pool.
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection
            await connection.commit()
        else:
            async with connection.begin():
                yield connection
