"""The moderation log's units of work: record one entry, read a guild's page, forget old entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import ModerationAction
from db.models import ModerationRecord
from db.repositories.moderation_records import ModerationRecordRepository
from db.units.unbroken import unbroken


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    id: int
    guild_id: int
    user_id: int
    job_id: int | None
    rule: str
    excerpt: str
    action: ModerationAction
    at: datetime

    @classmethod
    def of(cls, row: ModerationRecord) -> LoggedEntry:
        return cls(row.id, row.guild_id, row.user_id, row.job_id, row.rule, row.excerpt, row.action, row.at)


@dataclass(frozen=True, slots=True)
class LogPage:
    entries: tuple[LoggedEntry, ...]
    next_before_id: int | None  # pass back as `before_id` for the next (older) page; None on the last


class ModerationStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @unbroken
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
    ) -> LoggedEntry:
        async with self._sessions.begin() as session:
            row = await ModerationRecordRepository(session).add(
                guild_id=guild_id,
                user_id=user_id,
                job_id=job_id,
                rule=rule,
                excerpt=excerpt,
                action=action,
                at=at,
            )
            return LoggedEntry.of(row)

    @unbroken
    async def page(self, guild_id: int, *, before_id: int | None = None, limit: int = 10) -> LogPage:
        async with self._sessions() as session:
            rows = await ModerationRecordRepository(session).newest(
                guild_id, before_id=before_id, limit=limit + 1
            )
        entries = tuple(LoggedEntry.of(row) for row in rows[:limit])
        return LogPage(entries, entries[-1].id if len(rows) > limit else None)

    @unbroken
    async def delete_before(self, cutoff: datetime) -> int:
        """Forget every entry older than `cutoff`; how many went."""
        async with self._sessions.begin() as session:
            return await ModerationRecordRepository(session).delete_before(cutoff)
