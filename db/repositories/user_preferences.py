"""Users' own choices, one row per user, made on first change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import UserPreference
from db.types import utcnow

# The columns a change may set (the key and the time stamp are the repository's).
CHOICE_COLUMNS = frozenset(
    {"ping_when_done", "aspect_ratio", "quality", "style_tags", "workflows", "private_results"}
)


class UserPreferenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: int) -> UserPreference | None:
        # populate_existing: an upsert in this session is seen, not an older loaded copy.
        return await self._session.get(UserPreference, user_id, populate_existing=True)

    async def get_for_update(self, user_id: int) -> UserPreference | None:
        return await self._session.get(UserPreference, user_id, with_for_update=True, populate_existing=True)

    async def set_ping_when_done(self, user_id: int, value: bool | None) -> None:
        await self.set_choices(user_id, {"ping_when_done": value})

    async def set_choices(self, user_id: int, choices: Mapping[str, Any]) -> None:
        """Upsert: two changes at once both land (the later one wins) instead of one failing on the key."""
        unknown = set(choices) - CHOICE_COLUMNS
        if unknown:
            raise ValueError(f"not a preference: {', '.join(sorted(unknown))}")
        dialect = self._session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {**choices, "updated_at": utcnow()}
        statement = insert(UserPreference).values(user_id=user_id, **values)
        statement = statement.on_conflict_do_update(index_elements=[UserPreference.user_id], set_=values)
        await self._session.execute(statement)
