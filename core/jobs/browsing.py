"""Looking at jobs: a guild's history, the queue, the job behind a message. Always scoped to one guild."""

from __future__ import annotations

from dataclasses import dataclass

from core.jobs.dispatcher import Dispatcher
from core.jobs.store import JobStore
from core.jobs.views import JobView
from db.enums import JobKind
from db.repositories.jobs import JobRepository


@dataclass(frozen=True, slots=True)
class HistoryPage:
    jobs: tuple[JobView, ...]
    next_before_id: int | None  # pass back as `before_id` for the next page; None on the last page


@dataclass(frozen=True, slots=True)
class QueueOverview:
    queued_everywhere: int
    running_everywhere: int
    guild_queued: int
    guild_running: int
    # The member's own live jobs, with their place in the queue (None: already running).
    mine: tuple[tuple[JobView, int | None], ...]


class JobBrowser:
    def __init__(self, store: JobStore, dispatcher: Dispatcher) -> None:
        self._store = store
        self._dispatcher = dispatcher

    async def history(
        self,
        guild_id: int,
        *,
        user_id: int | None = None,
        kind: JobKind | None = None,
        search: str | None = None,
        before_id: int | None = None,
        limit: int = 10,
    ) -> HistoryPage:
        async with self._store.sessions() as session:
            page = await JobRepository(session).history(
                guild_id, user_id=user_id, kind=kind, search=search, before_id=before_id, limit=limit
            )
            return HistoryPage(tuple(JobView.of(job) for job in page.jobs), page.next_before_id)

    async def job_for_message(self, message_id: int, *, guild_id: int) -> JobView | None:
        """The job a Discord message shows (its response or channel message), in this guild only."""
        async with self._store.sessions() as session:
            job = await JobRepository(session).by_message_id(message_id)
            if job is None or job.guild_id != guild_id:
                return None
            return JobView.of(job)

    async def queue_overview(self, guild_id: int, user_id: int) -> QueueOverview:
        async with self._store.sessions() as session:
            jobs = JobRepository(session)
            by_guild = await jobs.active_counts_by_guild()
            mine = await jobs.active_for_user(guild_id, user_id)
        guild = by_guild.get(guild_id)
        return QueueOverview(
            queued_everywhere=sum(c.queued for c in by_guild.values()),
            running_everywhere=sum(c.running for c in by_guild.values()),
            guild_queued=guild.queued if guild else 0,
            guild_running=guild.running if guild else 0,
            mine=tuple((JobView.of(job), self._dispatcher.position(job.id)) for job in mine),
        )
