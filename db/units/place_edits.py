"""A queued job's place, told by a worker that does not own the job, never lands over what the job's owner
showed afterwards: units of work of the job store.

Discord has no conditional edit, so checking that the job is still queued just before the edit is not
enough: the edit can be in flight while another worker claims, runs and delivers the job. So the check and
the edit both happen under a shared per-job advisory lock, and the owner, once the job left the queue (its
status committed), takes the same lock exclusively before its first edit: it waits for any place edit still
in flight, and a place edit that begins afterwards reads a status other than queued and is not sent.

SQLite serves a single process, whose reporter already serialises the edits of a job's message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.enums import JobStatus
from db.models.job import Job


def _key(job_id: int) -> object:
    return func.hashtextextended(f"place-edit:{job_id}", 0)


class JobPlaceEdits:
    sessions: async_sessionmaker[AsyncSession]
    _engine: AsyncEngine

    @asynccontextmanager
    async def while_queued(self, job_id: int) -> AsyncIterator[bool]:
        """True while the job is still queued; the owner's first edit waits until this block ends."""
        if self._engine.dialect.name != "postgresql":
            yield True
            return
        async with self.sessions.begin() as session:
            await session.execute(select(func.pg_advisory_xact_lock_shared(_key(job_id))))
            status = await session.scalar(select(Job.status).where(Job.id == job_id))
            yield status is JobStatus.QUEUED

    async def after_place_edits(self, job_id: int) -> None:
        """Waits for the place edits of the job in flight in any process (call once the job left the
        queue): no place edit sent afterwards lands over this worker's."""
        if self._engine.dialect.name != "postgresql":
            return
        async with self.sessions.begin() as session:
            await session.execute(select(func.pg_advisory_xact_lock(_key(job_id))))
