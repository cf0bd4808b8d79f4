"""Users' own choices, one row per user, made on first change."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import UserPreference
from db.types import utcnow


class UserPreferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> UserPreference | None:
        return await self._session.get(UserPreference, user_id)

    async def set_ping_when_done(self, user_id: int, value: bool | None) -> None:
        """Upsert: two changes at once both land (the later one wins) instead of one failing on the key."""
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(UserPreference).values(user_id=user_id, ping_when_done=value, updated_at=utcnow())
        statement = statement.on_conflict_do_update(
            index_elements=[UserPreference.user_id],
            set_={"ping_when_done": value, "updated_at": utcnow()},
        )
        await self._session.execute(statement)
