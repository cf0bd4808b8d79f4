"""Users' own choices: read, and changed in a transaction of their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.connections import run_unit
from db.models import UserPreference
from db.repositories.user_preferences import UserPreferenceRepository
from db.units.unbroken import unbroken


@dataclass(frozen=True, slots=True)
class PreferenceSnapshot:
    """A user's choices as stored; the defaults are "no choice made"."""

    ping_when_done: bool | None = None
    aspect_ratio: str | None = None
    quality: str | None = None
    style_tags: tuple[str, ...] = ()
    workflows: Mapping[str, str] = field(default_factory=dict)
    private_results: bool | None = None

    @classmethod
    def of(cls, row: UserPreference | Row[Any] | None) -> PreferenceSnapshot:
        if row is None:
            return cls()
        return cls(
            ping_when_done=row.ping_when_done,
            aspect_ratio=row.aspect_ratio,
            quality=row.quality,
            style_tags=tuple(row.style_tags or ()),
            workflows=dict(row.workflows or {}),
            private_results=row.private_results,
        )


_PREFERENCES = cast(Table, UserPreference.__table__)
_READ = select(_PREFERENCES).where(_PREFERENCES.c.user_id == bindparam("user_id"))


def _read(connection: Connection, user_id: int) -> PreferenceSnapshot:
    return PreferenceSnapshot.of(connection.execute(_READ, {"user_id": user_id}).first())


class PreferenceStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @unbroken
    async def ping_when_done(self, user_id: int) -> bool | None:
        """The user's choice, or None when they made none (the guild's setting applies)."""
        return (await self.get(user_id)).ping_when_done

    @unbroken
    async def get(self, user_id: int) -> PreferenceSnapshot:
        """One statement in one greenlet (every interaction that makes a job reads this row before it is
        answered), not an ORM session's: 0.2 ms of CPU instead of 0.6-0.8 (/tmp microbenchmark)."""
        engine: AsyncEngine = self._sessions.kw["bind"]
        return await run_unit(engine, lambda connection: _read(connection, user_id), scope="statement")

    @unbroken
    async def set_ping_when_done(self, user_id: int, value: bool | None) -> None:
        await self.set_choices(user_id, {"ping_when_done": value})

    @unbroken
    async def set_choices(self, user_id: int, choices: Mapping[str, Any]) -> PreferenceSnapshot:
        """Set these columns (None clears a choice) and return the user's choices as they now stand."""
        async with self._sessions.begin() as session:
            repository = UserPreferenceRepository(session)
            await repository.set_choices(user_id, choices)
            return PreferenceSnapshot.of(await repository.get(user_id))

    @unbroken
    async def set_workflow(self, user_id: int, kind: str, workflow: str | None) -> PreferenceSnapshot:
        """One kind's workflow (None: the guild's or the kind's default); the other kinds' stay, even
        when they change at the same moment (the row is locked between the read and the write)."""
        async with self._sessions.begin() as session:
            repository = UserPreferenceRepository(session)
            await repository.set_choices(user_id, {})
            row = await repository.get_for_update(user_id)
            workflows = dict(row.workflows or {}) if row is not None else {}
            if workflow is None:
                workflows.pop(kind, None)
            else:
                workflows[kind] = workflow
            await repository.set_choices(user_id, {"workflows": workflows})
            return PreferenceSnapshot.of(await repository.get(user_id))
