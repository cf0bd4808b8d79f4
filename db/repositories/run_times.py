"""How long finished jobs ran, per workflow and backend: what the wait estimate learns from at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobStatus
from db.models import Job


@dataclass(frozen=True, slots=True)
class FinishedRun:
    workflow_name: str
    backend: str
    started_at: datetime
    finished_at: datetime

    @property
    def run_s(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


async def recent_finished_runs(session: AsyncSession, limit: int) -> list[FinishedRun]:
    """The newest `limit` succeeded jobs that ran on a known backend, oldest first."""
    query = (
        select(Job.workflow_name, Job.backend_url, Job.started_at, Job.finished_at)
        .where(
            Job.status == JobStatus.SUCCEEDED,
            Job.backend_url.is_not(None),
            Job.started_at.is_not(None),
            Job.finished_at.is_not(None),
        )
        .order_by(Job.id.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return [
        FinishedRun(workflow, backend, started, finished)
        for workflow, backend, started, finished in reversed(rows)
        if backend is not None and started is not None and finished is not None  # as the query asked
    ]
