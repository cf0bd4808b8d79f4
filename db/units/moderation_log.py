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
    at_newest: bool = True  # no newer entry than these: the first page


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
    async def page(
        self, guild_id: int, *, before_id: int | None = None, after_id: int | None = None, limit: int = 10
    ) -> LogPage:
        """Newest first, from `before_id`; or, going back, the `limit` entries just newer than `after_id`
        (the first page where fewer are left, so that pages keep their places)."""
        async with self._sessions() as session:
            records = ModerationRecordRepository(session)
            if after_id is not None:
                newer = await records.just_newer(guild_id, after_id=after_id, limit=limit + 1)
                if len(newer) > limit:  # more beyond these: a page of its own, not the first
                    entries = tuple(LoggedEntry.of(row) for row in reversed(newer[:limit]))
                    older = await records.newest(guild_id, before_id=entries[-1].id, limit=1)
                    return LogPage(entries, entries[-1].id if older else None, at_newest=False)
                before_id = None
            rows = await records.newest(guild_id, before_id=before_id, limit=limit + 1)
        entries = tuple(LoggedEntry.of(row) for row in rows[:limit])
        return LogPage(entries, entries[-1].id if len(rows) > limit else None, at_newest=before_id is None)

    @unbroken
    async def delete_before(self, cutoff: datetime) -> int:
        """Forget every entry older than `cutoff`; how many went."""
        async with self._sessions.begin() as session:
            return await ModerationRecordRepository(session).delete_before(cutoff)
