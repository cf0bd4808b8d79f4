"""Atomic changes of a job's status, delivery and lease.

Each is one conditional UPDATE (`... WHERE status IN (...)`), so two workers, or a worker and a cancel
button, racing for the same job get exactly one winner; the method returns whether this caller won.
Nothing here commits: the winner is decided when the caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import UNDELIVERED, DeliveryState, JobStatus
from db.models import Job
from db.types import UtcDateTime, utcnow

_FIXED_COLUMNS = frozenset({"id", "status", "guild_id", "channel_id", "user_id", "kind", "queued_at"})
_SETTABLE_COLUMNS = frozenset(Job.__table__.columns.keys()) - _FIXED_COLUMNS


class JobStates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def transition(
        self, job_id: int, from_statuses: Collection[JobStatus], to_status: JobStatus, **fields: Any
    ) -> bool:
        """Move the job to `to_status` only if its status is one of `from_statuses`; True if this call won.

        See `transition_row`, which returns the updated job (no second query needed to read it)."""
        return await self.transition_row(job_id, from_statuses, to_status, **fields) is not None

    async def transition_row(
        self, job_id: int, from_statuses: Collection[JobStatus], to_status: JobStatus, **fields: Any
    ) -> Job | None:
        """Move the job to `to_status` if its status is one of `from_statuses`; the new row if this call won.

        Entering running stamps started_at, a final status stamps finished_at and clears the lease (a stamp
        already there is kept, so running → running can update prompt_id or backend_url safely); `fields`
        override all of these. Loaded copies of the job in this session see the new row.
        """
        unknown = set(fields) - _SETTABLE_COLUMNS
        if unknown:
            raise TypeError(f"cannot set job fields {sorted(unknown)} in a transition")
        now = utcnow()
        stamp = literal(now, UtcDateTime())
        values: dict[str, Any] = {"updated_at": now}
        if to_status is JobStatus.RUNNING:
            values["started_at"] = func.coalesce(Job.started_at, stamp)
        elif to_status.is_final:
            values.update(
                finished_at=func.coalesce(Job.finished_at, stamp), lease_owner=None, lease_expires_at=None
            )
        values.update(fields)
        return await self._conditional_update_row(
            Job.id == job_id, Job.status.in_(list(from_statuses)), status=to_status, **values
        )

    async def mark_delivery(
        self,
        job_id: int,
        from_states: Collection[DeliveryState],
        to_state: DeliveryState,
        *,
        response_message_id: int | None = None,
        channel_message_id: int | None = None,
    ) -> bool:
        """Move the job's delivery state only if it is one of `from_states`; True if this call won."""
        values: dict[str, Any] = {"delivery_state": to_state, "updated_at": utcnow()}
        if to_state not in UNDELIVERED:  # nothing edits the response through its token any more
            values["interaction_token"] = None
        if response_message_id is not None:
            values["response_message_id"] = response_message_id
        if channel_message_id is not None:
            values["channel_message_id"] = channel_message_id
        return await self._conditional_update(
            Job.id == job_id, Job.delivery_state.in_(list(from_states)), **values
        )

    async def renew_leases(self, worker_id: str, until: datetime) -> int:
        """Extend the lease of every job `worker_id` runs or is delivering; returns how many."""
        statement = (
            update(Job)
            # A running job's delivery is still pending: one condition covers both.
            .where(Job.lease_owner == worker_id, Job.delivery_state.in_(UNDELIVERED))
            .values(lease_expires_at=until, updated_at=utcnow())
            .returning(Job.id)
        )
        result = await self._session.execute(statement, execution_options={"synchronize_session": False})
        return len(result.all())

    async def expired_leases(self, now: datetime) -> list[Job]:
        """Running jobs whose worker stopped renewing its lease before `now`: candidates for `release`."""
        statement = (
            select(Job)
            .where(Job.status == JobStatus.RUNNING, Job.lease_expires_at < now)
            .order_by(Job.lease_expires_at)
        )
        return list(await self._session.scalars(statement))

    async def release(self, job_id: int, worker_id: str, *, expired_before: datetime | None = None) -> bool:
        """Running → queued again (keeping its place in the queue), if `worker_id` still holds the lease.

        To reclaim a dead worker's job, pass its `worker_id` and `expired_before=now`, so a worker that
        renewed its lease meanwhile keeps the job.
        """
        where = [Job.id == job_id, Job.status == JobStatus.RUNNING, Job.lease_owner == worker_id]
        if expired_before is not None:
            where.append(Job.lease_expires_at < expired_before)
        return await self._conditional_update(
            *where,
            status=JobStatus.QUEUED,
            lease_owner=None,
            lease_expires_at=None,
            started_at=None,
            updated_at=utcnow(),
        )

    async def _conditional_update(self, *where: ColumnElement[bool], **values: Any) -> bool:
        return await self._conditional_update_row(*where, **values) is not None

    async def _conditional_update_row(self, *where: ColumnElement[bool], **values: Any) -> Job | None:
        # RETURNING + populate_existing: the winner's loaded Job objects see the new row at once.
        statement = update(Job).where(*where).values(**values).returning(Job)
        result = await self._session.execute(
            statement, execution_options={"populate_existing": True, "synchronize_session": False}
        )
        return result.scalar_one_or_none()
