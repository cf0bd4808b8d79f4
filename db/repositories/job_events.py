"""Job events: the recorded life of a job, one row per step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import JobEvent
from db.schemas import JobEventCreate, validated


class JobEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, job_id: int, kind: str, detail: Mapping[str, Any] | None = None) -> JobEvent:
        checked = validated(JobEventCreate, {"job_id": job_id, "kind": kind, "detail": dict(detail or {})})
        event = JobEvent(**checked.model_dump())
        # Written with the transaction's next flush (at the latest its commit), batched with the others.
        self._session.add(event)
        return event

    async def for_job(self, job_id: int) -> list[JobEvent]:
        """The job's life in the order it happened."""
        statement = select(JobEvent).where(JobEvent.job_id == job_id).order_by(JobEvent.id)
        return list(await self._session.scalars(statement))

    async def latest(self, job_id: int, kind: str) -> JobEvent | None:
        """The job's newest event of this kind, if it has one."""
        statement = (
            select(JobEvent)
            .where(JobEvent.job_id == job_id, JobEvent.kind == kind)
            .order_by(JobEvent.id.desc())
            .limit(1)
        )
        return await self._session.scalar(statement)
