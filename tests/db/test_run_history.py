"""Run times of finished jobs, read back so the wait estimate survives a restart (issue 12 item 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobStatus
from db.repositories import JobRepository
from db.repositories.run_times import recent_finished_runs
from tests.db.factories import job_data

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def finished(
    jobs: JobRepository, status: JobStatus, *, backend: str | None, run_s: float, workflow: str = "txt2img"
) -> None:
    job = await jobs.add(job_data(workflow_name=workflow))
    assert await jobs.transition(
        job.id,
        [JobStatus.QUEUED],
        status,
        backend_url=backend,
        started_at=T0,
        finished_at=T0 + timedelta(seconds=run_s),
    )


async def test_only_succeeded_jobs_on_a_known_backend_count_oldest_first(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    await finished(jobs, JobStatus.SUCCEEDED, backend="http://gpu", run_s=3.0)
    await finished(jobs, JobStatus.FAILED, backend="http://gpu", run_s=0.5)  # says nothing of run time
    await finished(jobs, JobStatus.SUCCEEDED, backend=None, run_s=9.0)
    await finished(jobs, JobStatus.SUCCEEDED, backend="http://cpu", run_s=30.0, workflow="song")
    await finished(jobs, JobStatus.SUCCEEDED, backend="http://gpu", run_s=2.5)

    runs = await recent_finished_runs(session, limit=10)

    assert [(r.workflow_name, r.backend, r.run_s) for r in runs] == [
        ("txt2img", "http://gpu", 3.0),
        ("song", "http://cpu", 30.0),
        ("txt2img", "http://gpu", 2.5),
    ]
    assert [r.run_s for r in await recent_finished_runs(session, limit=2)] == [30.0, 2.5]
