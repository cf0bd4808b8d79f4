"""Queries for the queue's workers: what to load at start, what to take over, what is left to deliver."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import UNDELIVERED, DeliveryState, JobStatus
from db.models import Job
from db.types import UtcDateTime, utcnow

_FINAL = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobRecoveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def queued_with_workflow(self) -> list[tuple[int, int, int, str, Any]]:
        """(id, guild_id, user_id, workflow_name, model_needs) of every queued job, in queue order."""
        statement = (
            select(Job.id, Job.guild_id, Job.user_id, Job.workflow_name, Job.model_needs)
            .where(Job.status == JobStatus.QUEUED)
            .order_by(Job.queued_at, Job.id)
        )
        return [(row[0], row[1], row[2], row[3], row[4]) for row in await self._session.execute(statement)]

    async def lock_if_queued(self, job_id: int) -> tuple[int, int] | None:
        """(guild_id, user_id) of the job, row-locked until the transaction ends, if it is still queued and
        no other worker holds its lock (FOR UPDATE SKIP LOCKED); also takes a per-user advisory lock so
        that cap checks for one user never run concurrently in two workers. Postgres only."""
        statement = (
            select(Job.guild_id, Job.user_id)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .with_for_update(skip_locked=True)
        )
        row = (await self._session.execute(statement)).first()
        if row is None:
            return None
        key = (row[0] * 1_000_003 + row[1]) % (2**63 - 1)
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        return row[0], row[1]

    async def running_elsewhere(self, guild_id: int, user_id: int, worker_id: str) -> int:
        """How many of the user's jobs other workers are running."""
        statement = select(func.count()).where(
            Job.guild_id == guild_id,
            Job.user_id == user_id,
            Job.status == JobStatus.RUNNING,
            Job.lease_owner != worker_id,
        )
        return int(await self._session.scalar(statement) or 0)

    async def running_owned_by(self, worker_id: str) -> list[Job]:
        statement = (
            select(Job).where(Job.status == JobStatus.RUNNING, Job.lease_owner == worker_id).order_by(Job.id)
        )
        return list(await self._session.scalars(statement))

    async def take_over(
        self, job_id: int, worker_id: str, lease_until: datetime, *, expired_before: datetime
    ) -> bool:
        """Move a running job's lease to `worker_id` if its holder let it expire; True if this call won."""
        statement = (
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.lease_expires_at < expired_before)
            .values(lease_owner=worker_id, lease_expires_at=lease_until, updated_at=utcnow())
            .returning(Job.id)
        )
        result = await self._session.execute(statement, execution_options={"synchronize_session": False})
        return result.scalar_one_or_none() is not None

    async def hand_over(
        self, job_id: int, worker_id: str, *, now: datetime, started_at: datetime | None
    ) -> bool:
        """A stopping worker gives up a running job: its lease ends now, so the next worker (or this one,
        restarted) takes it over at once; when ComfyUI started it is kept (a time already written wins)."""
        values: dict[str, object] = {"lease_expires_at": now, "updated_at": utcnow()}
        if started_at is not None:
            values["started_at"] = func.coalesce(Job.started_at, literal(started_at, UtcDateTime()))
        statement = (
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.lease_owner == worker_id)
            .values(**values)
            .returning(Job.id)
        )
        result = await self._session.execute(statement, execution_options={"synchronize_session": False})
        return result.scalar_one_or_none() is not None

    async def undelivered_final(self) -> list[Job]:
        """Finished jobs whose final message may not have reached Discord (a crash, an outage)."""
        statement = (
            select(Job).where(Job.status.in_(_FINAL), Job.delivery_state.in_(UNDELIVERED)).order_by(Job.id)
        )
        return list(await self._session.scalars(statement))

    async def claim_undelivered(self, worker_id: str, until: datetime, now: datetime) -> list[Job]:
        """The finished, undelivered jobs no live worker is delivering (none has its lease, or its lease ran
        out: that worker died), now `worker_id`'s to deliver, leased until `until`. Ours are included."""
        statement = (
            update(Job)
            .where(
                Job.status.in_(_FINAL),
                Job.delivery_state.in_(UNDELIVERED),
                (Job.lease_owner.is_(None)) | (Job.lease_owner == worker_id) | (Job.lease_expires_at < now),
            )
            .values(
                delivery_state=DeliveryState.DELIVERING,
                lease_owner=worker_id,
                lease_expires_at=until,
                updated_at=utcnow(),
            )
            .returning(Job)
        )
        result = await self._session.scalars(statement, execution_options={"synchronize_session": False})
        return sorted(result.all(), key=lambda job: job.id)
