"""A unit of work whose statements run straight on the driver's connection (sqlite3's, asyncpg's), each one
compiled once per dialect (db.compiled): for the steps every job takes, where SQLAlchemy's execution layer
cost ten times what the database did.

What a unit guarantees is kept. On SQLite it runs whole in one trip to aiosqlite's thread, in one
transaction begun IMMEDIATE, on the connection the async engine pooled and set up, as db.sqlite_units does;
on PostgreSQL in a greenlet, in one transaction on the pooled asyncpg connection, begun as SQLAlchemy's
adapter begins one (`scope="statement"`: a single statement, its own transaction, without BEGIN and
COMMIT). A driver's error reaches the caller as SQLAlchemy's exception of the same kind (IntegrityError,
OperationalError...), and a connection the error found broken is not handed out again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, NoReturn, Protocol, TypeVar

from sqlalchemy import exc
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import await_, greenlet_spawn

from db.compiled import Precompiled
from db.sqlite_units import runs_in_one_trip

T = TypeVar("T")
Params = Mapping[str, Any]


class DriverConnection(Protocol):
    """The statements of a unit, on the driver's connection, inside the unit's transaction."""

    @property
    def postgres(self) -> bool: ...

    def rows(self, statement: Precompiled, params: Params) -> list[tuple[Any, ...]]:
        """The rows it returned, each column processed by its type as SQLAlchemy would."""
        ...

    def count(self, statement: Precompiled, params: Params) -> int:
        """How many rows it changed (an UPDATE without RETURNING)."""
        ...

    def each(self, statement: Precompiled, many: Iterable[Params]) -> None:
        """It, once for each of `many` (returning nothing)."""
        ...


async def run_driver_unit(
    engine: AsyncEngine,
    work: Callable[[DriverConnection], T],
    *,
    scope: Literal["transaction", "statement"],
) -> T:
    """`work(connection)` in one transaction, or (`scope="statement"`) a step that is one statement on
    PostgreSQL: there it runs without BEGIN and COMMIT. Always one transaction on SQLite."""
    return await greenlet_spawn(_unit, engine.sync_engine, work, scope == "transaction")


def _unit(engine: Engine, work: Callable[[DriverConnection], T], transaction: bool) -> T:
    pooled = _checked_out(engine)
    try:
        if runs_in_one_trip(engine):
            return _sqlite_unit(engine.dialect, pooled, work)
        if engine.dialect.name == "postgresql":
            return _postgres_unit(engine.dialect, pooled, work, transaction)
        raise NotImplementedError(f"no driver units on {engine.dialect.name} ({engine.dialect.driver})")
    finally:
        pooled.close()


def _checked_out(engine: Engine) -> PoolProxiedConnection:
    """A pooled connection (the pool's queue decides whose turn it is, as for any other unit). A new one the
    server refuses raises the driver's own error from the pool ("the database system is shutting down"),
    which a session would have wrapped: wrapped here too, so that an outage is told apart from a bug."""
    dialect = engine.dialect
    try:
        return engine.raw_connection()
    except dialect.loaded_dbapi.Error as error:
        invalidated = dialect.is_disconnect(error, None, None)
        raise exc.DBAPIError.instance(
            None, None, error, dialect.loaded_dbapi.Error, dialect=dialect, connection_invalidated=invalidated
        ) from error


# SQLite: in aiosqlite's thread, on its sqlite3 connection.


class _SqliteConnection:
    postgres = False

    def __init__(self, connection: sqlite3.Connection, dialect: Dialect) -> None:
        self._connection = connection
        self._dialect = dialect

    def rows(self, statement: Precompiled, params: Params) -> list[tuple[Any, ...]]:
        compiled = statement.on(self._dialect)
        args = compiled.args(params)
        try:
            cursor = self._connection.execute(compiled.sql, args)
            raw = cursor.fetchall()
        except sqlite3.Error as error:
            _raise_sqlite(compiled.sql, args, error, self._dialect)
        if compiled.needs_driver_types:  # sqlite3 reports none (None each), as SQLAlchemy is told
            compiled = statement.typed(self._dialect, [column[1] for column in cursor.description])
        return [compiled.row(row) for row in raw]

    def count(self, statement: Precompiled, params: Params) -> int:
        compiled = statement.on(self._dialect)
        args = compiled.args(params)
        try:
            return self._connection.execute(compiled.sql, args).rowcount
        except sqlite3.Error as error:
            _raise_sqlite(compiled.sql, args, error, self._dialect)

    def each(self, statement: Precompiled, many: Iterable[Params]) -> None:
        compiled = statement.on(self._dialect)
        args = [compiled.args(params) for params in many]
        try:
            self._connection.executemany(compiled.sql, args)
        except sqlite3.Error as error:
            _raise_sqlite(compiled.sql, args, error, self._dialect)


def _raise_sqlite(sql: str, args: Any, error: sqlite3.Error, dialect: Dialect) -> NoReturn:
    raise exc.DBAPIError.instance(sql, args, error, sqlite3.Error, dialect=dialect) from error


def _sqlite_unit(dialect: Dialect, pooled: PoolProxiedConnection, work: Callable[[DriverConnection], T]) -> T:
    adapted: Any = pooled.dbapi_connection  # a OneTripConnection (runs_in_one_trip)
    driver = adapted._connection  # aiosqlite's Connection; its _execute is untyped
    cancelled = threading.Event()
    try:
        result: T = await_(driver._execute(_in_thread, driver._conn, dialect, work, cancelled))
        return result
    except BaseException:
        # Cancelled, while the unit runs on in the thread: unless it has committed already it rolls back,
        # so the caller is not told "it did not happen" of what did (as in db.sqlite_units).
        cancelled.set()
        raise


def _in_thread(
    connection: sqlite3.Connection,
    dialect: Dialect,
    work: Callable[[DriverConnection], T],
    cancelled: threading.Event,
) -> T:
    try:
        # IMMEDIATE, as every transaction on this engine: the write lock taken up front, waited for.
        connection.execute("BEGIN IMMEDIATE")
        result = work(_SqliteConnection(connection, dialect))
        connection.execute("ROLLBACK" if cancelled.is_set() else "COMMIT")
        return result
    except sqlite3.Error as error:  # BEGIN or COMMIT (the statements' own errors are SQLAlchemy's now)
        _raise_sqlite("BEGIN IMMEDIATE ... COMMIT", (), error, dialect)
    finally:
        if connection.in_transaction:  # the unit failed, or its COMMIT did: nothing of it is kept
            connection.execute("ROLLBACK")


# PostgreSQL: in the greenlet, on asyncpg's connection, awaiting each statement.


class _PostgresConnection:
    postgres = True

    def __init__(self, adapted: Any, dialect: Dialect) -> None:
        self._adapted = adapted  # SQLAlchemy's adapter around the asyncpg connection
        self._driver = adapted.driver_connection
        self._dialect = dialect
        self.broken = False

    def rows(self, statement: Precompiled, params: Params) -> list[tuple[Any, ...]]:
        compiled = statement.on(self._dialect)
        args = compiled.args(params)
        try:
            if compiled.needs_driver_types:  # once: the columns' types as SQLAlchemy's adapter reports them
                prepared = await_(self._driver.prepare(compiled.sql))
                oids = [attribute.type.oid for attribute in prepared.get_attributes()]
                compiled = statement.typed(self._dialect, oids)
            raw = await_(self._driver.fetch(compiled.sql, *args))
        except Exception as error:
            self.fail(compiled.sql, args, error)
        return [compiled.row(row) for row in raw]

    def count(self, statement: Precompiled, params: Params) -> int:
        compiled = statement.on(self._dialect)
        args = compiled.args(params)
        try:
            status: str = await_(self._driver.execute(compiled.sql, *args))  # "UPDATE 1"
        except Exception as error:
            self.fail(compiled.sql, args, error)
        return int(status.rsplit(" ", 1)[-1])

    def each(self, statement: Precompiled, many: Iterable[Params]) -> None:
        compiled = statement.on(self._dialect)
        args = [compiled.args(params) for params in many]
        try:
            await_(self._driver.executemany(compiled.sql, args))
        except Exception as error:
            self.fail(compiled.sql, args, error)

    def fail(self, sql: str, args: Any, error: Exception) -> NoReturn:
        """`error` as SQLAlchemy raises it: the adapter's translation of asyncpg's error (a lost connection
        stays the OSError it is), wrapped in SQLAlchemy's exception of the same kind."""
        dbapi_error = self._dialect.loaded_dbapi.Error
        try:
            self._adapted._handle_exception(error)
        except dbapi_error as translated:
            self.broken = self._dialect.is_disconnect(translated, self._adapted, None)
            raise exc.DBAPIError.instance(
                sql, args, translated, dbapi_error, dialect=self._dialect, connection_invalidated=self.broken
            ) from error
        raise AssertionError("unreachable: the adapter raises every error it is given")


def _postgres_unit(
    dialect: Dialect, pooled: PoolProxiedConnection, work: Callable[[DriverConnection], T], transaction: bool
) -> T:
    adapted: Any = pooled.dbapi_connection
    connection = _PostgresConnection(adapted, dialect)
    try:
        if transaction:
            # Begun as SQLAlchemy's adapter begins one (its isolation level), and known to it: a
            # transaction left open is rolled back when the connection goes back to the pool.
            _ended(connection, "BEGIN", adapted._start_transaction)
        result = work(connection)
        _ended(connection, "COMMIT", adapted.commit)  # nothing to commit for a single statement
        return result
    except Exception as error:
        if connection.broken or isinstance(error, OSError):
            pooled.invalidate(error)  # not handed out again; the pool opens another
        else:
            try:
                adapted.rollback()
            except Exception:
                pooled.invalidate(error)
        raise
    except BaseException as error:
        # Cancelled mid-statement: what state asyncpg's connection is in is unknown, so it is closed, as
        # SQLAlchemy closes a connection an exit exception interrupted.
        pooled.invalidate(error)
        raise


def _ended(connection: _PostgresConnection, what: str, step: Callable[[], Any]) -> None:
    """BEGIN or COMMIT through the adapter (`step`, awaited if a coroutine); an error as SQLAlchemy's."""
    try:
        begun = step()
        if begun is not None:
            await_(begun)
    except Exception as error:
        connection.fail(what, (), error)
