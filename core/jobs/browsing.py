"""Looking at jobs: a guild's history, the queue, the job behind a message. Always scoped to one guild."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from core.jobs.dispatcher import Dispatcher
from core.jobs.policy import Requester
from core.jobs.stages import JobPlace, place_of
from core.jobs.visibility import visible_to
from db.enums import JobStatus
from db.snapshots import HistoryPage, JobView
from db.units.job_queries import HistoryQuery, JobQueries


@dataclass(frozen=True, slots=True)
class QueueOverview:
    queued_everywhere: int
    running_everywhere: int
    guild_queued: int
    guild_running: int
    # The member's own live jobs, each with where it stands.
    mine: tuple[tuple[JobView, JobPlace], ...]


class JobBrowser:
    def __init__(self, queries: JobQueries, dispatcher: Dispatcher) -> None:
        self._queries = queries
        self._dispatcher = dispatcher

    async def history(self, guild_id: int, **query: Unpack[HistoryQuery]) -> HistoryPage:
        return await self._queries.history(guild_id, **query)

    async def job_for_message(self, message_id: int, *, guild_id: int) -> JobView | None:
        """The job a Discord message shows (its response or channel message), in this guild only."""
        return await self._queries.by_message(message_id, guild_id=guild_id)

    async def failure_detail(self, job: JobView, viewer: Requester) -> str | None:
        """What went wrong with a failed job, technically (a node's exception, what a server said), for a
        manager who may see the job; None for anyone else, and for a job that did not fail or kept none.
        Its maker is told only the plain sentence: the detail names the server's nodes, files and
        exceptions, which are the operator's (core.jobs.execution_texts)."""
        if job.status is not JobStatus.FAILED or not viewer.is_manager or not visible_to(job, viewer):
            return None
        detail = await self._queries.error_detail(job.id, guild_id=job.guild_id)
        return detail if detail and detail.strip() else None

    async def queue_overview(self, guild_id: int, user_id: int) -> QueueOverview:
        counts = await self._queries.queue_counts(guild_id, user_id)
        guild = counts.by_guild.get(guild_id)
        # The database counts a job as running once it is sent; its message says "Queued" until the
        # server begins it, and so do these counts.
        held = self._dispatcher.waiting_on_servers()
        held_everywhere, held_here = sum(held.values()), held[guild_id]
        return QueueOverview(
            queued_everywhere=sum(c.queued for c in counts.by_guild.values()) + held_everywhere,
            running_everywhere=sum(c.running for c in counts.by_guild.values()) - held_everywhere,
            guild_queued=(guild.queued if guild else 0) + held_here,
            guild_running=(guild.running if guild else 0) - held_here,
            mine=tuple((job, self._place(job)) for job in counts.mine),
        )

    def _place(self, job: JobView) -> JobPlace:
        return place_of(job.status, self._dispatcher.position(job.id), self._dispatcher.started(job.id))
