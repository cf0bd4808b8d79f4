"""The run times of finished jobs, read back at start-up: the wait estimate is not relearned after a restart.

The jobs table already keeps when each job started and finished, and on which backend: nothing else to store.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.run_times import FinishedRun, recent_finished_runs
from db.units.unbroken import unbroken

__all__ = ["FinishedRun", "RunHistory"]


class RunHistory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @unbroken
    async def recent(self, limit: int = 2000) -> list[FinishedRun]:
        """The newest `limit` succeeded jobs, oldest first."""
        async with self._sessions() as session:
            return await recent_finished_runs(session, limit)
