"""Leases of running jobs, and what a worker resumes after a restart (a cancel asked of the job's last worker
included): units of work of the job store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.job_events import JobEventRepository
from db.repositories.job_recovery import JobRecoveryRepository
from db.repositories.jobs import JobRepository
from db.snapshots import JobView, ParamsReader
from db.types import utcnow
from db.units.unbroken import unbroken
from db.worker_messages import CancelRequestedMessage, tell

# The job event that keeps a cancel with the job until a worker has stopped it.
CANCEL_REQUESTED = "cancel_requested"


@dataclass(frozen=True, slots=True)
class CancelRequest:
    by_user_id: int | None  # None: asked by the bot itself (a `generate` command's operator, say)


class JobLeases:
    sessions: async_sessionmaker[AsyncSession]
    read_params: ParamsReader
    worker_id: str

    @unbroken
    async def request_cancel(self, job_id: int, by_user_id: int | None, *, tell_workers: bool = True) -> None:
        """Keep with the running job that it is to be stopped: whichever worker follows it next (after a
        restart, a hand-over, a take-over) stops it too. `tell_workers`: also ask the worker running it now
        (Postgres, several workers)."""
        async with self.sessions.begin() as session:
            await JobEventRepository(session).record(job_id, CANCEL_REQUESTED, {"by": by_user_id})
            if tell_workers:
                message = CancelRequestedMessage(sender=self.worker_id, job_id=job_id, by_user_id=by_user_id)
                await tell(session, message)

    @unbroken
    async def cancel_request(self, job_id: int) -> CancelRequest | None:
        """The cancel asked of the job, if one was (see request_cancel)."""
        async with self.sessions() as session:
            event = await JobEventRepository(session).latest(job_id, CANCEL_REQUESTED)
        if event is None:
            return None
        by = event.detail.get("by")
        return CancelRequest(by if isinstance(by, int) else None)

    @unbroken
    async def renew_leases(self, worker_id: str, lease_s: float) -> int:
        async with self.sessions.begin() as session:
            return await JobRepository(session).renew_leases(worker_id, utcnow() + timedelta(seconds=lease_s))

    @unbroken
    async def take_over_expired(self, worker_id: str, lease_s: float) -> list[JobView]:
        """Running jobs whose worker died (lease expired), now leased to `worker_id`."""
        now = utcnow()
        taken: list[JobView] = []
        async with self.sessions.begin() as session:
            jobs = JobRepository(session)
            recovery = JobRecoveryRepository(session)
            for job in await jobs.expired_leases(now):
                if await recovery.take_over(
                    job.id, worker_id, now + timedelta(seconds=lease_s), expired_before=now
                ):
                    await JobEventRepository(session).record(job.id, "taken_over", {"worker": worker_id})
                    refreshed = await jobs.get(job.id)
                    if refreshed is not None:
                        taken.append(JobView.of(refreshed, self.read_params))
        return taken

    @unbroken
    async def running_owned_by(self, worker_id: str) -> list[JobView]:
        async with self.sessions() as session:
            return [
                JobView.of(job, self.read_params)
                for job in await JobRecoveryRepository(session).running_owned_by(worker_id)
            ]

    @unbroken
    async def claim_undelivered(self, worker_id: str, lease_s: float) -> list[JobView]:
        """Finished jobs left undelivered by no live worker (see JobRecoveryRepository.claim_undelivered)."""
        now = utcnow()
        async with self.sessions.begin() as session:
            return [
                JobView.of(job, self.read_params)
                for job in await JobRecoveryRepository(session).claim_undelivered(
                    worker_id, now + timedelta(seconds=lease_s), now
                )
            ]

    @unbroken
    async def undelivered(self) -> list[JobView]:
        async with self.sessions() as session:
            return [
                JobView.of(job, self.read_params)
                for job in await JobRecoveryRepository(session).undelivered_final()
            ]
