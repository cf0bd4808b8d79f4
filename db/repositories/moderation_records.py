"""The moderation log's rows: written one at a time, read a guild's page at a time, deleted by age."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ModerationAction
from db.models import ModerationRecord
from db.models.moderation_record import EXCERPT_MAX_CHARS, RULE_MAX_CHARS


class ModerationRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        guild_id: int,
        user_id: int,
        job_id: int | None,
        rule: str,
        excerpt: str,
        action: ModerationAction,
        at: datetime,
    ) -> ModerationRecord:
        row = ModerationRecord(
            guild_id=guild_id,
            user_id=user_id,
            job_id=job_id,
            rule=rule[:RULE_MAX_CHARS],
            # As stored text: PostgreSQL text holds no NUL, and a log line is an excerpt.
            excerpt=excerpt.replace("\x00", "")[:EXCERPT_MAX_CHARS],
            action=action,
            at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return row

    async def newest(self, guild_id: int, *, before_id: int | None, limit: int) -> Sequence[ModerationRecord]:
        """This guild's entries only, newest first; `before_id` continues after a page's last one."""
        query = select(ModerationRecord).where(ModerationRecord.guild_id == guild_id)
        if before_id is not None:
            query = query.where(ModerationRecord.id < before_id)
        query = query.order_by(ModerationRecord.id.desc()).limit(limit)
        return (await self._session.scalars(query)).all()

    async def just_newer(self, guild_id: int, *, after_id: int, limit: int) -> Sequence[ModerationRecord]:
        """This guild's entries only, the `limit` just newer than `after_id`, oldest first."""
        query = select(ModerationRecord).where(
            ModerationRecord.guild_id == guild_id, ModerationRecord.id > after_id
        )
        return (await self._session.scalars(query.order_by(ModerationRecord.id.asc()).limit(limit))).all()

    async def delete_before(self, cutoff: datetime) -> int:
        result = await self._session.execute(delete(ModerationRecord).where(ModerationRecord.at < cutoff))
        return int(getattr(result, "rowcount", 0) or 0)
