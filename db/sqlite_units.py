"""A unit of work on SQLite in one trip to aiosqlite's thread, instead of one per statement and one more for
the COMMIT (a job's claim, outcome and delivery mark took nine; each trip costs ~90 us of CPU and wakes the
event loop).

The unit, a function on SQLAlchemy's sync Connection API, runs in aiosqlite's thread itself, on the sqlite3
connection the async engine pooled, through a sync engine (pysqlite's dialect) whose pool of one hands out
exactly that connection. Nothing about the database changes: the same connection, so the same PRAGMAs (WAL,
synchronous, foreign keys, busy timeout), no second connection contending for the write lock, the async
pool's queue still deciding whose turn it is, an in-memory database shared as before, and no thread of our
own: aiosqlite's stops when the async engine is disposed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import PoolProxiedConnection, StaticPool
from sqlalchemy.util import await_

from db.sqlite_trips import OneTripConnection, OneTripDBAPI

T = TypeVar("T")


def runs_in_one_trip(engine: Engine) -> bool:
    """Whether `engine` (an async engine's sync side) is SQLite built with the one-trip adapter."""
    return isinstance(engine.dialect.loaded_dbapi, OneTripDBAPI)


def unit_in_one_trip(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`work(connection)` in one transaction in aiosqlite's thread. Called in a greenlet (run_unit's)."""
    pooled = engine.raw_connection()  # the pool's queue decides whose turn it is, as for any other unit
    try:
        adapted: OneTripConnection = pooled.dbapi_connection  # type: ignore[assignment]  # runs_in_one_trip
        driver: Any = adapted._connection  # aiosqlite's Connection; its _execute is untyped
        cancelled = threading.Event()
        try:
            result: T = await_(driver._execute(_in_thread, adapted, work, cancelled))
            return result
        except BaseException:
            # Cancelled, while the unit runs on in the thread: unless it has committed already it rolls
            # back, so the caller is not told "it did not happen" of what did. (After an error of the
            # unit's own, it has ended already.) Either way it leaves no transaction open.
            cancelled.set()
            raise
    finally:
        pooled.close()


def _in_thread(adapted: OneTripConnection, work: Callable[[Connection], T], cancelled: threading.Event) -> T:
    engine = adapted.unit_engine
    if engine is None:
        engine = adapted.unit_engine = _engine_over(adapted._connection._conn)
    with engine.connect() as connection, connection.begin() as transaction:
        result = work(connection)
        if cancelled.is_set():  # its caller is gone and was told so: keep nothing
            transaction.rollback()
        return result


def _engine_over(connection: sqlite3.Connection) -> Engine:
    """A sync engine whose one connection is `connection` (aiosqlite's, already set up by the async engine's
    "connect" listener). It is used only in aiosqlite's thread, where the connection was made."""
    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)
    # Our "connect" listener left the sqlite3 module no say in transactions (isolation_level None), so a
    # transaction begins here, IMMEDIATE as on the async side: the write lock taken up front, waited for.
    engine.dialect.do_begin = _begin_immediately  # type: ignore[method-assign,assignment]
    return engine


def _begin_immediately(connection: PoolProxiedConnection) -> None:
    dbapi: Any = connection.dbapi_connection
    dbapi.execute("BEGIN IMMEDIATE")
