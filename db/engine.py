"""The engine and session factory: one engine per process, one session per unit of work."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import URL, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from db.connections import ping_on_checkout
from db.sqlite_trips import begin_immediately, one_trip_dbapi

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000


def create_engine(url: str | URL, **overrides: Any) -> AsyncEngine:
    """An async engine for `postgresql+asyncpg://...` or `sqlite+aiosqlite:///...`.

    `overrides` go to SQLAlchemy's `create_async_engine` (tests raise the pool size, for instance).
    """
    url = make_url(url)
    log.debug("database engine for %s", url.render_as_string(hide_password=True))
    if url.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, overrides)
    options: dict[str, Any] = {
        "pool_size": 5,
        "max_overflow": 10,
        "pool_recycle": 1800,
    }
    options.update(overrides)
    engine = create_async_engine(url, **options)
    if not options.get("pool_pre_ping"):
        # Every connection checked before use, in one round trip instead of pool_pre_ping's three; checking
        # only connections idle for a while left a window where one the server closed failed the next query.
        ping_on_checkout(engine)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Objects stay readable after commit: they are handed to the Discord layer after the unit of work ends.
    return async_sessionmaker(engine, expire_on_commit=False)


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _create_sqlite_engine(url: URL, overrides: dict[str, Any]) -> AsyncEngine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        # The default URL points into DATA_DIR, which may not exist on a first start.
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # One connection, handed out first-come first-served: SQLite runs one writer at a time anyway, and its
    # busy handler is not fair (under load a waiter can starve past busy_timeout and fail with "database
    # is locked"); the pool's queue is.
    # (aiosqlite's default is NullPool: a new connection and thread for every transaction.)
    options: dict[str, Any] = (
        dict(overrides)
        if "poolclass" in overrides
        else {
            "poolclass": AsyncAdaptedQueuePool,
            "pool_size": 1,
            "max_overflow": 0,
            "pool_timeout": 60,
            **overrides,
        }
    )
    # Every statement in one trip to aiosqlite's thread, BEGIN IMMEDIATE with the first (db/sqlite_trips.py).
    options.setdefault("module", one_trip_dbapi())
    engine = create_async_engine(url, **options)
    # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can fail at
    # once with SQLITE_BUSY when another connection wrote meanwhile; waiting is what we want. The dialect
    # says so itself (set on this engine's dialect: there is no dialect class of our own); a "begin"
    # listener would make SQLAlchemy dispatch its events around every statement.
    engine.sync_engine.dialect.do_begin = begin_immediately  # type: ignore[method-assign,assignment]

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin: needed for SAVEPOINT.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine
