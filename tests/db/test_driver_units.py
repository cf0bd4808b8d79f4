"""A unit of work on the driver's connection (db/driver_units.py): one transaction, all or nothing, a driver's
error raised as SQLAlchemy's, on SQLite in one trip to aiosqlite's thread, on PostgreSQL a connection
the error found broken replaced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import cast

import asyncpg
import pytest
from sqlalchemy import Table, bindparam, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.compiled import Precompiled
from db.driver_units import DriverConnection, run_driver_unit
from db.engine import create_engine
from db.models import JobEvent
from db.types import utcnow
from db.units.outages import is_outage
from tests.db.blocking_sql import install_slow_function
from tests.db.sqlite_trip_count import count_sqlite_trips
from tests.fixtures.database import empty_tables

EVENTS = cast(Table, JobEvent.__table__)
_ADD = Precompiled(
    insert(EVENTS).values(
        job_id=bindparam("job_id"), at=bindparam("at"), kind="x", detail=bindparam("detail")
    )
)
_COUNT = Precompiled(select(func.count()).select_from(EVENTS))
_SLOW = Precompiled(text("SELECT slow(1)"))


@pytest.fixture
async def sqlite_engine(_migrated_sqlite: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(_migrated_sqlite)
    yield engine
    await engine.dispose()
    await empty_tables(_migrated_sqlite)


async def _count(engine: AsyncEngine) -> int:
    rows = await run_driver_unit(engine, lambda connection: connection.rows(_COUNT, {}), scope="statement")
    return int(rows[0][0])


async def _job(engine: AsyncEngine) -> int:
    async with engine.begin() as connection:
        inserted = await connection.exec_driver_sql(
            "INSERT INTO jobs (guild_id, channel_id, user_id, kind, raw_input, params, workflow_name, "
            "workflow_version, model_needs, queued_at, updated_at) "
            "VALUES (1, 2, 3, 'image', 'x', '{}', 'w', 'v', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
            "RETURNING id"
        )
        return int(inserted.scalar_one())


async def test_a_units_statements_are_kept_together_or_not_at_all(engine: AsyncEngine) -> None:
    job_id = await _job(engine)

    def two(connection: DriverConnection, second_job: int) -> None:
        connection.each(_ADD, [{"job_id": job_id, "at": utcnow(), "detail": {}}])
        connection.each(_ADD, [{"job_id": second_job, "at": utcnow(), "detail": {}}])

    with pytest.raises(IntegrityError):  # SQLAlchemy's, as its own execution raises it
        await run_driver_unit(engine, lambda connection: two(connection, job_id + 1000), scope="transaction")
    assert await _count(engine) == 0
    await run_driver_unit(engine, lambda connection: two(connection, job_id), scope="transaction")
    assert await _count(engine) == 2


async def test_an_error_of_the_unit_itself_rolls_it_back(engine: AsyncEngine) -> None:
    job_id = await _job(engine)

    def fails(connection: DriverConnection) -> None:
        connection.each(_ADD, [{"job_id": job_id, "at": utcnow(), "detail": {}}])
        raise RuntimeError("the unit of work fails")

    with pytest.raises(RuntimeError, match="the unit of work fails"):
        await run_driver_unit(engine, fails, scope="transaction")
    assert await _count(engine) == 0


async def test_on_sqlite_a_unit_and_its_commit_take_one_trip(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = await _job(engine)
    trips = count_sqlite_trips(monkeypatch)

    def add_and_count(connection: DriverConnection) -> int:
        connection.each(_ADD, [{"job_id": job_id, "at": utcnow(), "detail": {}}] * 2)
        return int(connection.rows(_COUNT, {})[0][0])

    assert await run_driver_unit(engine, add_and_count, scope="transaction") == 2
    # None on PostgreSQL, where asyncpg is awaited in the greenlet and aiosqlite is not used at all.
    assert len(trips) == (1 if engine.dialect.name == "sqlite" else 0)


async def test_a_sqlite_unit_cancelled_while_it_runs_keeps_nothing(sqlite_engine: AsyncEngine) -> None:
    job_id = await _job(sqlite_engine)
    started, release = await install_slow_function(sqlite_engine)

    def unit(connection: DriverConnection) -> None:
        connection.each(_ADD, [{"job_id": job_id, "at": utcnow(), "detail": {}}])
        connection.rows(_SLOW, {})

    task = asyncio.create_task(run_driver_unit(sqlite_engine, unit, scope="transaction"))
    await asyncio.to_thread(started.wait, 30)  # the unit runs in the thread now
    task.cancel()
    await asyncio.sleep(0)  # the task takes the cancel and flags the unit (see test_sqlite_units)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (
        await _count(sqlite_engine) == 0
    )  # rolled back in the thread: its caller was told it did not happen


async def test_a_postgresql_connection_lost_mid_unit_is_an_outage_and_is_replaced(postgres_url: str) -> None:
    engine = create_engine(postgres_url, pool_size=1, max_overflow=0)
    goodbye = Precompiled(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    try:
        with pytest.raises(DBAPIError) as raised:
            await run_driver_unit(
                engine, lambda connection: connection.rows(goodbye, {}), scope="transaction"
            )
        assert raised.value.connection_invalidated
        assert is_outage(raised.value)  # what through_outages retries on
        assert await _count(engine) == 0  # the pool's one connection is a new one, and it works
    finally:
        await engine.dispose()


async def test_a_postgresql_server_refusing_new_connections_is_an_outage(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a server shutting down or starting up answers a new connection: the pool raises the driver's
    own error there, which the unit raises as SQLAlchemy's, so that callers wait for the server to return."""

    async def refused(*_args: object, **_kwargs: object) -> None:
        raise asyncpg.exceptions.CannotConnectNowError("the database system is shutting down")

    engine = create_engine(postgres_url, pool_size=1, max_overflow=0)
    monkeypatch.setattr(asyncpg, "connect", refused)
    try:
        with pytest.raises(DBAPIError) as raised:
            await run_driver_unit(engine, lambda connection: connection.rows(_COUNT, {}), scope="statement")
        assert is_outage(raised.value)
        assert "shutting down" in str(raised.value)
    finally:
        monkeypatch.undo()
        await engine.dispose()
