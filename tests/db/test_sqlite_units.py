"""A unit of work on SQLite in one trip to aiosqlite's thread (db/sqlite_units.py, through run_unit): one
transaction on the pooled connection, all or nothing, one unit at a time, and no thread left after close."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from db.connections import run_unit
from db.engine import create_engine
from db.units.outages import is_outage
from tests.db.blocking_sql import install_slow_function
from tests.db.sqlite_trip_count import count_sqlite_trips

_SCHEMA = (
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, t_id INTEGER NOT NULL REFERENCES t (id))",
    "CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO counter (id, value) VALUES (1, 0)",
)


async def _engine(url: str) -> AsyncEngine:
    engine = create_engine(url)
    async with engine.begin() as connection:
        for statement in _SCHEMA:
            await connection.exec_driver_sql(statement)
    return engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await _engine(f"sqlite+aiosqlite:///{tmp_path / 'units.db'}")
    yield engine
    await engine.dispose()


async def _count(engine: AsyncEngine, table: str = "t") -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())  # noqa: S608


def _insert_two(connection: Connection) -> list[tuple[int, str]]:
    connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
    inserted = connection.execute(text("INSERT INTO t (name) VALUES ('b') RETURNING id, name"))
    return [(row.id, row.name) for row in inserted]


async def test_a_unit_of_two_statements_and_its_commit_take_one_trip(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = count_sqlite_trips(monkeypatch)
    assert await run_unit(engine, _insert_two, scope="transaction") == [(2, "b")]
    assert len(trips) == 1
    monkeypatch.undo()
    assert await _count(engine) == 2  # committed, and seen by the async engine's own statements


async def test_the_unit_runs_on_the_pooled_connection_as_set_up_by_the_engine(engine: AsyncEngine) -> None:
    def settings(connection: Connection) -> tuple[object, ...]:
        pragmas = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        return tuple(connection.exec_driver_sql(f"PRAGMA {name}").scalar_one() for name in pragmas)

    # WAL, NORMAL (1), foreign keys on, the engine's busy timeout: the connection the "connect" listener set.
    assert await run_unit(engine, settings, scope="statement") == ("wal", 1, 1, 5000)


async def test_an_error_in_the_unit_rolls_all_of_it_back_and_reaches_the_caller(engine: AsyncEngine) -> None:
    def fails(connection: Connection) -> None:
        _insert_two(connection)
        raise RuntimeError("the unit of work fails")

    with pytest.raises(RuntimeError, match="the unit of work fails"):
        await run_unit(engine, fails, scope="transaction")
    assert await _count(engine) == 0
    assert await run_unit(engine, _insert_two, scope="transaction") == [(2, "b")]  # usable again


async def test_a_failed_statement_raises_sqlalchemys_error_as_before(engine: AsyncEngine) -> None:
    def orphan(connection: Connection) -> None:
        connection.execute(text("INSERT INTO t (name) VALUES ('kept only with its child')"))
        connection.execute(text("INSERT INTO child (t_id) VALUES (99)"))  # foreign keys are on

    with pytest.raises(IntegrityError):
        await run_unit(engine, orphan, scope="transaction")

    def missing(connection: Connection) -> None:
        connection.execute(text("INSERT INTO t (name) VALUES ('gone')"))
        connection.execute(text("INSERT INTO missing (name) VALUES ('x')"))

    with pytest.raises(OperationalError, match="no such table") as raised:
        await run_unit(engine, missing, scope="transaction")
    assert is_outage(raised.value)  # what through_outages decides on, as for the async path's errors
    assert await _count(engine) == 0


async def test_concurrent_units_and_the_engines_own_transactions_take_turns(engine: AsyncEngine) -> None:
    threads: set[int] = set()
    add_one = text("UPDATE counter SET value = :value WHERE id = 1")

    def increment(connection: Connection) -> None:
        threads.add(threading.get_ident())
        value = connection.execute(text("SELECT value FROM counter WHERE id = 1")).scalar_one()
        connection.execute(add_one, {"value": value + 1})

    async def through_the_session_path() -> None:
        async with engine.begin() as connection:
            value = (await connection.execute(text("SELECT value FROM counter WHERE id = 1"))).scalar_one()
            await connection.execute(add_one, {"value": value + 1})

    units = [run_unit(engine, increment, scope="transaction") for _ in range(20)]
    await asyncio.gather(*units, *(through_the_session_path() for _ in range(10)))
    # Read-modify-write in each: an update lost to an interleaving would leave less than 30.
    assert await _count(engine, "counter") == 1
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT value FROM counter"))).scalar_one() == 30
    assert len(threads) == 1  # aiosqlite's one thread for the pool's one connection


async def test_a_unit_cancelled_while_it_runs_keeps_nothing(engine: AsyncEngine) -> None:
    started, release = await install_slow_function(engine)

    def unit(connection: Connection) -> None:
        connection.execute(text("INSERT INTO t (name) VALUES ('gone')"))
        connection.execute(text("SELECT slow(1)"))

    task = asyncio.create_task(run_unit(engine, unit, scope="transaction"))
    await asyncio.to_thread(started.wait, 30)  # the unit runs in the thread now
    task.cancel()
    # One turn of the loop: the task takes the cancel (its wake-up was queued by cancel(), before ours) and
    # flags the unit, still blocked in the thread. Released before that, the unit could finish and commit
    # first: the window the cancel cannot close, which this test is not about.
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _count(engine) == 0  # rolled back in the thread: its caller was told it did not happen
    assert await run_unit(engine, _insert_two, scope="transaction") == [(2, "b")]


async def test_a_unit_that_calls_back_into_the_loop_runs_on_the_loops_thread(engine: AsyncEngine) -> None:
    def where(connection: Connection) -> bool:
        connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
        return threading.current_thread() is threading.main_thread()

    assert await run_unit(engine, where, scope="transaction", on_loop=True)
    assert not await run_unit(engine, where, scope="transaction")
    assert await _count(engine) == 2


async def test_an_in_memory_database_is_the_same_database_for_units() -> None:
    engine = await _engine("sqlite+aiosqlite://")
    try:
        assert await run_unit(engine, _insert_two, scope="transaction") == [(2, "b")]
        assert await _count(engine) == 2
    finally:
        await engine.dispose()


async def test_disposing_the_engine_stops_the_thread_units_ran_in(tmp_path: Path) -> None:
    engine = await _engine(f"sqlite+aiosqlite:///{tmp_path / 'closed.db'}")
    ran_in = await run_unit(engine, lambda _connection: threading.current_thread(), scope="statement")
    assert ran_in is not threading.main_thread()
    assert ran_in.is_alive()
    await engine.dispose()
    await asyncio.to_thread(ran_in.join, 30)  # the thread's end is the event waited for
    assert not ran_in.is_alive()
