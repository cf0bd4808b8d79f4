"""A step of a job that is one statement runs without a transaction around it on PostgreSQL.

Every round trip to PostgreSQL costs the sender CPU (on a small machine 0.1-0.2 ms of system time: the send
wakes the server's process); BEGIN and COMMIT are two of them around a statement that is all or nothing
anyway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


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
