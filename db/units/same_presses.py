"""The job a member's press on a result made, looked for before the press is answered: a unit of work of the
job store. `JobStore.create` looks again under the per-user lock (db.repositories.job_create), which is
what makes two presses arriving together one job; this look lets the second press of a double click that
comes after the first's job was made be refused before anything is shown for it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from db.connections import run_unit
from db.repositories.job_create import same_press_query
from db.types import utcnow
from db.units.unbroken import unbroken


class SamePresses:
    _engine: AsyncEngine

    @unbroken
    async def same_press(
        self, *, guild_id: int, user_id: int, parent_id: int, press: str, window: timedelta
    ) -> int | None:
        """The job this member's same press on result `parent_id` made, still queued or running or made
        within `window`; None if there is none."""
        found = {
            "guild_id": guild_id,
            "user_id": user_id,
            "parent_id": parent_id,
            "press": press,
            "since": utcnow() - window,
        }
        row = await run_unit(
            self._engine,
            lambda connection: connection.execute(same_press_query(), found).first(),
            scope="statement",
        )
        return None if row is None else int(row.id)
