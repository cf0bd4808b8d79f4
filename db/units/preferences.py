"""Users' own choices: read, and changed in a transaction of their own."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.user_preferences import UserPreferenceRepository
from db.units.unbroken import unbroken


class PreferenceStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @unbroken
    async def ping_when_done(self, user_id: int) -> bool | None:
        """The user's choice, or None when they made none (the guild's setting applies)."""
        async with self._sessions() as session:
            row = await UserPreferenceRepository(session).get(user_id)
            return row.ping_when_done if row is not None else None

    @unbroken
    async def set_ping_when_done(self, user_id: int, value: bool | None) -> None:
        async with self._sessions.begin() as session:
            await UserPreferenceRepository(session).set_ping_when_done(user_id, value)
