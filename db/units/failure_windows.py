"""Failure-notice windows shared by the processes on one database (db.models.failure_window): each step is
one statement, or a read and a conditional write, that only one process can win.

- `open_or_count`: the insert that opens a window wins for one process (it tells the failure now); every
  other process adds one to the window's count. A window left open far past its end (its opener stopped
  before closing it) is taken over by the next failure, as a new window.
- `close`: at a window's end its opener takes the count (and the window starts again) or, with nothing
  counted, removes the window.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import FailureWindow
from db.types import utcnow
from db.units.unbroken import unbroken

STALE_WINDOWS = 3  # a window open this many windows long lost its opener


class FailureWindows:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @classmethod
    def shared_by(cls, engine: AsyncEngine) -> FailureWindows | None:
        """The shared windows where several processes may share the database; None on SQLite (one process),
        whose windows stay in its memory."""
        return None if engine.dialect.name == "sqlite" else cls(engine)

    @unbroken
    async def open_or_count(self, guild_id: int, reason_key: str, window_s: float) -> bool:
        """True: this call opened the window (tell the failure now); False: it was counted in an open one."""
        now = utcnow()
        key = (FailureWindow.guild_id == guild_id) & (FailureWindow.reason_key == reason_key)
        async with self._engine.begin() as connection:
            insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
            while True:  # again only if the window was closed between the insert and the count
                opened = await connection.execute(
                    insert(FailureWindow)
                    .values(guild_id=guild_id, reason_key=reason_key, opened_at=now, pending=0)
                    .on_conflict_do_nothing()
                )
                if opened.rowcount == 1:
                    return True
                taken = await connection.execute(
                    update(FailureWindow)
                    .where(key, FailureWindow.opened_at < now - timedelta(seconds=window_s * STALE_WINDOWS))
                    .values(opened_at=now, pending=0)
                )
                if taken.rowcount == 1:
                    return True
                counted = await connection.execute(
                    update(FailureWindow).where(key).values(pending=FailureWindow.pending + 1)
                )
                if counted.rowcount == 1:
                    return False

    @unbroken
    async def close(self, guild_id: int, reason_key: str) -> int:
        """How many failures the ending window counted, now taken (the window starts again); 0: none, and
        the window is gone."""
        key = (FailureWindow.guild_id == guild_id) & (FailureWindow.reason_key == reason_key)
        async with self._engine.begin() as connection:
            while True:
                pending = await connection.scalar(select(FailureWindow.pending).where(key))
                if pending is None:
                    return 0
                if pending == 0:
                    gone = await connection.execute(
                        delete(FailureWindow).where(key, FailureWindow.pending == 0)
                    )
                    if gone.rowcount == 1:
                        return 0
                    continue  # counted between the read and the delete: take that count
                # Others only add to the count, so it is at least what was read: taken exactly once.
                taken = await connection.execute(
                    update(FailureWindow)
                    .where(key, FailureWindow.pending >= pending)
                    .values(pending=FailureWindow.pending - pending, opened_at=utcnow())
                )
                if taken.rowcount == 1:
                    return int(pending)
