"""SQLite through aiosqlite in one trip per statement (db/sqlite_trips.py): what a transaction does is
unchanged (rows, rollback, the write lock taken at BEGIN), with fewer trips to aiosqlite's thread."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from tests.db.blocking_sql import install_slow_function


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
    yield engine
    await engine.dispose()


class TripCounter:
    """Counts the calls queued to aiosqlite's thread while it is installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.trips = 0
        original = aiosqlite.Connection._execute

        async def counted(connection: aiosqlite.Connection, fn: object, *args: object) -> object:
            self.trips += 1
            return await original(connection, fn, *args)

        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)


async def test_a_transaction_of_two_statements_takes_three_trips(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.connect():  # the pool's connection made before counting
        pass
    counter = TripCounter(monkeypatch)
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('a') RETURNING id, name"))
        assert inserted.all() == [(1, "a")]
        await connection.execute(text("UPDATE t SET name = 'b' WHERE id = 1"))
    # BEGIN IMMEDIATE with the first statement, the second, the COMMIT; no rollback at check-in.
    assert counter.trips == 3
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT name FROM t"))).scalar_one() == "b"


async def _insert_then(engine: AsyncEngine, second: str | None) -> None:
    """Insert a row, then fail the unit of work: by raising, or with a `second` statement that fails."""
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (name) VALUES ('gone')"))
        if second is None:
            raise RuntimeError("the unit of work fails")
        await connection.execute(text(second))


async def test_a_failed_transaction_leaves_nothing(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        await _insert_then(engine, None)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


async def test_a_failed_statement_rolls_its_transaction_back(engine: AsyncEngine) -> None:
    with pytest.raises(Exception, match="no such table"):
        await _insert_then(engine, "INSERT INTO missing (name) VALUES ('x')")
    async with engine.begin() as connection:  # the connection is usable again, nothing was kept
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


async def test_the_write_lock_is_taken_with_the_first_statement(tmp_path: Path) -> None:
    # A transaction that has only read holds the write lock already (BEGIN IMMEDIATE went with its first
    # statement): another connection that will not wait cannot begin one.
    path = tmp_path / "lock.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
        async with engine.begin() as connection:
            await connection.execute(text("SELECT count(*) FROM t"))
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # committed: free again
            other.execute("ROLLBACK")
        finally:
            other.close()
    finally:
        await engine.dispose()


async def test_results_read_as_the_db_api_says_rowcount_fetchmany_and_lastrowid(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('a'), ('b'), ('c')"))
        assert inserted.rowcount == 3
        last = await connection.execute(text("INSERT INTO t (name) VALUES ('d')"))
        assert last.lastrowid == 4
        updated = await connection.execute(text("UPDATE t SET name = 'x' WHERE id > 1"))
        assert updated.rowcount == 3
        rows = await connection.execute(text("SELECT id FROM t ORDER BY id"))
        assert rows.fetchmany() == [(1,)]  # the DB-API's default arraysize
        assert rows.fetchmany(2) == [(2,), (3,)]
        assert rows.fetchall() == [(4,)]


async def test_a_unit_of_work_cancelled_mid_statement_leaves_no_transaction_open(engine: AsyncEngine) -> None:
    # A cancelled trip still runs in aiosqlite's thread, after BEGIN IMMEDIATE: the rollback must follow it
    # there, or the pooled connection keeps the write lock and its next BEGIN fails.
    started, release = await install_slow_function(engine)

    async def unit() -> None:
        async with engine.begin() as connection:  # its first statement: BEGIN IMMEDIATE goes with it
            await connection.execute(text("INSERT INTO t (name) SELECT 'gone' WHERE slow(1) = 1"))

    task = asyncio.create_task(unit())
    await asyncio.to_thread(started.wait, 30)  # the SELECT runs in the thread now
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task

    async with engine.begin() as connection:  # the pool's connection begins again, nothing was kept
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
