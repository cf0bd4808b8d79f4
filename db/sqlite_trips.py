"""SQLite through aiosqlite in one trip to its thread per statement, instead of three or four.

aiosqlite runs every call on the sqlite3 connection in a thread of its own; each call is a trip there and
back (a queue put that wakes the thread, a wake-up of the event loop for the answer), 50-100 us of CPU on a
small machine. SQLAlchemy's adapter makes four per statement that returns rows (make a cursor, execute,
fetch, close), a BEGIN IMMEDIATE and a COMMIT one each, and the pool's rollback on every check-in one
more, even after a commit: a job's three units of work cost thirty trips.

Here a statement is one trip (the cursor made, run, its rows fetched and closed in the thread), the BEGIN
IMMEDIATE travels with the transaction's first statement, and a COMMIT or ROLLBACK with no transaction
open (SQLite says so after every statement) makes no trip at all.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import Engine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import await_

# What a statement's trip brings back: description, rowcount, lastrowid, rows, whether a transaction is open.
_Answer = tuple[Any, int, int | None, list[Any], bool]


def _run(driver: aiosqlite.Connection, begin: bool, operation: str, parameters: Any, many: bool) -> _Answer:
    """In aiosqlite's thread: the whole statement, after BEGIN IMMEDIATE if its transaction starts here."""
    connection = driver._conn  # the sqlite3 connection, used only in this thread
    if begin:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can
        # fail at once with SQLITE_BUSY when another connection wrote meanwhile; waiting is what we want.
        connection.execute("BEGIN IMMEDIATE")
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows, connection.in_transaction
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor with no aiosqlite cursor behind it: each statement is one trip."""

    __slots__ = ("_answer", "_arraysize")
    _awaitable_cursor_close = False  # nothing left open in the thread to close

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:  # no trip to make a cursor
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._rows = collections.deque()
        self._answer: _Answer = (None, -1, None, [], False)
        self._arraysize = 1  # the DB-API default, for fetchmany() without a size

    @property
    def description(self) -> Any:
        return self._answer[0]

    @property
    def rowcount(self) -> int:
        return self._answer[1]

    @property
    def lastrowid(self) -> Any:
        return self._answer[2]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._trip(operation, seq_of_parameters, many=True)

    def _trip(self, operation: str, parameters: Any, *, many: bool) -> None:
        adapt: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        begin, adapt.begin_pending = adapt.begin_pending, False
        driver = self._connection
        try:
            answer: _Answer = await_(driver._execute(_run, driver, begin, operation, parameters, many))
        except BaseException as error:
            # Whether a transaction is open is unknown now (a cancelled trip still runs in the thread, and
            # SQLite ends some transactions on an error itself): a rollback makes its trip, harmless if not.
            adapt.in_transaction = True
            if not isinstance(error, Exception):
                raise
            adapt._handle_exception(error)
        self._answer = answer
        adapt.in_transaction = answer[4]
        self._rows = collections.deque(answer[3])

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    # A subclass keeps the base's empty __slots__, so its own state lives in a dict of its own.
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.begin_pending = False  # set by the engine's "begin" event, sent with the next statement
        self.in_transaction = False  # as SQLite said after the last trip
        self.unit_engine: Engine | None = None  # for units of work in one trip (db/sqlite_units.py)

    def begin_immediate(self) -> None:
        self.begin_pending = True

    def commit(self) -> None:
        self.begin_pending = False
        if self.in_transaction:
            super().commit()
            self.in_transaction = False

    def rollback(self) -> None:
        self.begin_pending = False
        if self.in_transaction:
            try:
                super().rollback()
            finally:
                self.in_transaction = False


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite DB-API adapter, handing out one-trip connections (create_engine's `module`)."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)


def begin_immediately(connection: PoolProxiedConnection) -> None:
    """The dialect's do_begin: BEGIN IMMEDIATE, sent with the transaction's first statement."""
    adapted: Any = connection.dbapi_connection  # a OneTripConnection: the engine is built with one_trip_dbapi
    adapted.begin_immediate()
