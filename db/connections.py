"""What a connection costs per use on the job hot path: checked only when it may have gone stale, and no
transaction around a step that is one statement.

SQLAlchemy's `pool_pre_ping` checks every connection at every checkout; on asyncpg that is three round trips
(BEGIN, an empty query, ROLLBACK), 0.5-0.8 ms of CPU per transaction, more than the step itself. A
connection used a moment ago is alive (if the server restarted since, the statement fails as an outage, the
pool is invalidated at once, and the writes that must not be lost retry through it: `db.units.outages`). A
connection the server closed is replaced without asking (asyncpg knows), and one idle for longer than
`PING_AFTER_IDLE_S` is pinged before it is handed out, and replaced if the ping fails.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry

PING_AFTER_IDLE_S = 1.0


def ping_when_idle(engine: AsyncEngine, idle_s: float = PING_AFTER_IDLE_S) -> None:
    """Ping a pooled connection before use only if it sat unused for `idle_s` (instead of pre-ping)."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: Any) -> None:
        if _closed(record.driver_connection):  # the server closed it (a restart, an idle timeout)
            raise exc.DisconnectionError("the server closed a pooled connection")
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < idle_s:
            return
        try:
            engine.sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool catches this, drops the connection and opens another
            raise exc.DisconnectionError(f"a pooled connection failed its ping: {error!r}") from error


def _closed(driver_connection: Any) -> bool:
    is_closed = getattr(driver_connection, "is_closed", None)  # asyncpg's, which knows without asking
    return bool(is_closed()) if callable(is_closed) else False


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
