"""News of the backends that one process tells the others, in a transaction of its own (it changes no row)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.units.unbroken import unbroken
from db.worker_messages import BackendNodesChangedMessage, tell


class BackendNews:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, worker_id: str) -> None:
        self._sessions = sessions
        self._worker_id = worker_id

    @unbroken
    async def nodes_changed(self, backends: Collection[str]) -> None:
        """These backends offer other node classes or models than they did: the others read them again."""
        async with self._sessions.begin() as session:
            await tell(session, BackendNodesChangedMessage(sender=self._worker_id, backends=sorted(backends)))
