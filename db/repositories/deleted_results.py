"""Deleted results: marking a job's result deleted, and finding those whose files are due to be removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Artifact, Job, JobInput


@dataclass(frozen=True, slots=True)
class FilesToRemove:
    job_id: int
    paths: tuple[str, ...]  # relative to DATA_DIR, as the artifacts and inputs recorded them


class DeletedResultRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def mark(self, job_id: int, *, by_user_id: int, at: datetime) -> bool:
        """Mark the job's result deleted; False if it already was (the first deletion is the one kept)."""
        statement = (
            update(Job)
            .where(Job.id == job_id, Job.deleted_at.is_(None))
            .values(deleted_at=at, deleted_by=by_user_id, updated_at=at)
            .returning(Job.id)
        )
        result = await self._session.execute(statement, execution_options={"synchronize_session": False})
        return result.scalar_one_or_none() is not None

    async def files_due(self, *, deleted_before: datetime, limit: int) -> list[FilesToRemove]:
        """Results deleted before `deleted_before` whose files are still in DATA_DIR, oldest first."""
        jobs = (
            select(Job.id)
            .where(Job.deleted_at < deleted_before, Job.files_removed_at.is_(None))
            .order_by(Job.deleted_at)
            .limit(limit)
        )
        job_ids = list(await self._session.scalars(jobs))
        if not job_ids:
            return []
        # The job's results, then the files it was given (kept under inputs/ to be uploaded again).
        results = select(Artifact.job_id, Artifact.path).where(Artifact.job_id.in_(job_ids))
        given = select(JobInput.job_id, JobInput.path).where(JobInput.job_id.in_(job_ids))
        paths: dict[int, list[str]] = {job_id: [] for job_id in job_ids}
        for query, order in ((results, Artifact.id), (given, JobInput.id)):
            for job_id, path in await self._session.execute(query.order_by(order)):
                paths[job_id].append(path)
        return [FilesToRemove(job_id, tuple(found)) for job_id, found in paths.items()]

    async def files_removed(self, job_id: int, *, at: datetime) -> None:
        await self._session.execute(
            update(Job).where(Job.id == job_id).values(files_removed_at=at),
            execution_options={"synchronize_session": False},
        )
