"""The run times of finished jobs, read back at start-up: the wait estimate is not relearned after a restart.

The jobs table already keeps when each job started and finished, on which backend: nothing else to store.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.jobs.run_times import PastRun
from core.jobs.unbroken import unbroken
from db.repositories.run_times import recent_finished_runs


class RunHistory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    @unbroken
    async def recent(self, limit: int = 2000) -> list[PastRun]:
        async with self.sessions() as session:
            runs = await recent_finished_runs(session, limit)
        return [
            PastRun(run.workflow_name, run.backend, (run.finished_at - run.started_at).total_seconds())
            for run in runs
        ]
