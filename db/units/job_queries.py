"""Read-only questions about jobs (history, the job behind a message, who waits where), one session each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, Unpack

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import JobStatus
from db.repositories.artifacts import ArtifactRepository
from db.repositories.jobs import ActiveCounts, JobRepository
from db.snapshots import ArtifactView, HistoryPage, JobView, ParamsReader
from db.units.unbroken import unbroken


class HistoryQuery(TypedDict, total=False):
    """Which page of a guild's history: filters (None: any) and the keyset cursor."""

    user_id: int | None
    kind: str | None  # a registered kind's name
    status: JobStatus | None
    search: str | None
    before_id: int | None
    after_id: int | None  # going back: the page just newer than this job (the first page if fewer are left)
    limit: int
    include_deleted: bool  # deleted results too (the viewer is a manager)
    viewer_id: int | None  # whose private jobs are listed (their own); None: nobody's
    include_private: bool  # every member's private jobs (a manager, in a listing only they see)
    include_withheld: bool  # results held back by the content settings too (a manager, privately)
    hidden_channel_ids: frozenset[
        int
    ]  # others' jobs made in these channels are left out (the viewer's own stay)
    private_threads_read: frozenset[int]  # others' jobs in private threads: only these threads'...
    threads_managed_in: frozenset[int]  # ...and those in threads of these channels (Manage Threads)
    known_channel_ids: frozenset[int] | None  # others' jobs made elsewhere are left out (None: not judged)


@dataclass(frozen=True, slots=True)
class QueueCounts:
    by_guild: dict[int, ActiveCounts]
    mine: tuple[JobView, ...]  # the member's own live jobs in the guild, oldest first


class JobQueries:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], read_params: ParamsReader) -> None:
        self._sessions = sessions
        self._read_params = read_params

    @unbroken
    async def history(self, guild_id: int, **query: Unpack[HistoryQuery]) -> HistoryPage:
        async with self._sessions() as session:
            rows = await JobRepository(session).history(guild_id, **query)
            images = await ArtifactRepository(session).first_images([job.id for job in rows.jobs])
            return HistoryPage(
                tuple(JobView.of(job, self._read_params) for job in rows.jobs),
                rows.next_before_id,
                {job_id: ArtifactView.of(artifact) for job_id, artifact in images.items()},
                at_newest=rows.at_newest,
            )

    @unbroken
    async def by_message(self, message_id: int, *, guild_id: int) -> JobView | None:
        """The job a Discord message shows (its response or channel message), in this guild only."""
        async with self._sessions() as session:
            job = await JobRepository(session).by_message_id(message_id)
            if job is None or job.guild_id != guild_id:
                return None
            return JobView.of(job, self._read_params)

    @unbroken
    async def error_detail(self, job_id: int, *, guild_id: int) -> str | None:
        """The job's technical detail (see JobRepository.error_detail), in this guild only."""
        async with self._sessions() as session:
            return await JobRepository(session).error_detail(job_id, guild_id=guild_id)

    @unbroken
    async def active_counts_by_guild(self) -> dict[int, ActiveCounts]:
        """Queued and running jobs of every guild (all workers)."""
        async with self._sessions() as session:
            return await JobRepository(session).active_counts_by_guild()

    @unbroken
    async def queue_counts(self, guild_id: int, user_id: int) -> QueueCounts:
        async with self._sessions() as session:
            jobs = JobRepository(session)
            by_guild = await jobs.active_counts_by_guild()
            mine = await jobs.active_for_user(guild_id, user_id)
            return QueueCounts(by_guild, tuple(JobView.of(job, self._read_params) for job in mine))
