"""Job inputs: the files a job takes in, one per workflow slot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import JobInput
from db.schemas import JobInputCreate, validated


class JobInputRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, data: JobInputCreate | Mapping[str, Any]) -> JobInput:
        """Record an input; a second input for the same job and role violates the unique constraint."""
        job_input = JobInput(**validated(JobInputCreate, data).model_dump())
        self._session.add(job_input)
        await self._session.flush()
        return job_input

    async def for_job(self, job_id: int) -> list[JobInput]:
        """The job's inputs, by role."""
        query = select(JobInput).where(JobInput.job_id == job_id).order_by(JobInput.role)
        return list((await self._session.scalars(query)).all())

    async def made_from(self, source_job_id: int) -> list[int]:
        """Ids of the jobs that took a result of ``source_job_id`` as an input, oldest first."""
        query = (
            select(JobInput.job_id)
            .where(JobInput.source_job_id == source_job_id)
            .distinct()
            .order_by(JobInput.job_id)
        )
        return list((await self._session.scalars(query)).all())
