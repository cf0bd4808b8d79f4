"""Units of work for deleted results: the deletion itself, and the sweep that removes their files later."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.deleted_results import DeletedResultRepository, FilesToRemove
from db.repositories.job_events import JobEventRepository
from db.units.unbroken import unbroken

__all__ = ["DeletedResults", "FilesToRemove"]


class DeletedResults:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @unbroken
    async def mark(self, job_id: int, *, by_user_id: int) -> bool:
        """The result is deleted from now on; False if it already was."""
        async with self._sessions.begin() as session:
            marked = await DeletedResultRepository(session).mark(
                job_id, by_user_id=by_user_id, at=datetime.now(UTC)
            )
            if marked:
                await JobEventRepository(session).record(job_id, "deleted", {"by": by_user_id})
            return marked

    @unbroken
    async def files_due(self, *, deleted_before: datetime, limit: int = 100) -> list[FilesToRemove]:
        async with self._sessions() as session:
            return await DeletedResultRepository(session).files_due(
                deleted_before=deleted_before, limit=limit
            )

    @unbroken
    async def files_removed(self, job_id: int) -> None:
        async with self._sessions.begin() as session:
            await DeletedResultRepository(session).files_removed(job_id, at=datetime.now(UTC))
            await JobEventRepository(session).record(job_id, "files_removed", {})
