"""A stopping worker hands its running jobs back, in one transaction, so the next worker need not wait for
their leases to run out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.job_events import JobEventRepository
from db.repositories.job_recovery import JobRecoveryRepository
from db.units.unbroken import unbroken
from db.worker_messages import JobHandedOverMessage, tell


class LeaseHandover:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @unbroken
    async def hand_over(self, worker_id: str, started: Mapping[int, datetime | None]) -> list[int]:
        """End now the leases `worker_id` holds on these running jobs (job id → when ComfyUI started it,
        if known); the ids of those it still held."""
        now = datetime.now(UTC)
        handed: list[int] = []
        async with self._sessions.begin() as session:
            recovery = JobRecoveryRepository(session)
            events = JobEventRepository(session)
            for job_id, started_at in started.items():
                if await recovery.hand_over(job_id, worker_id, now=now, started_at=started_at):
                    await events.record(job_id, "handed_over", {"worker": worker_id})
                    await tell(session, JobHandedOverMessage(sender=worker_id, job_id=job_id))
                    handed.append(job_id)
        return handed
