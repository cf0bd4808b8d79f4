"""Workflows added from Discord: read all at once (each worker keeps them in memory), added and removed in
transactions of their own that tell the other workers (NOTIFY) when they commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import JobStatus
from db.models import Job, StoredWorkflow
from db.types import utcnow
from db.units.unbroken import unbroken
from db.worker_messages import WorkflowsChangedMessage, tell


@dataclass(frozen=True, slots=True)
class StoredWorkflowView:
    id: int
    name: str
    guild_id: int | None
    kind: str
    graph: Mapping[str, Any]
    sidecar: Mapping[str, Any] | None
    version: str
    added_by: int
    added_at: datetime
    removed_at: datetime | None

    @property
    def active(self) -> bool:
        return self.removed_at is None

    @classmethod
    def of(cls, row: StoredWorkflow) -> StoredWorkflowView:
        return cls(
            id=row.id,
            name=row.name,
            guild_id=row.guild_id,
            kind=row.kind,
            graph=dict(row.graph),
            sidecar=dict(row.sidecar) if row.sidecar is not None else None,
            version=row.version,
            added_by=row.added_by,
            added_at=row.added_at,
            removed_at=row.removed_at,
        )


@dataclass(frozen=True, slots=True)
class NewWorkflow:
    name: str
    guild_id: int | None
    kind: str
    graph: Mapping[str, Any]
    sidecar: Mapping[str, Any] | None
    version: str
    added_by: int


class NameTaken(Exception):
    """A workflow of that name is in use (added meanwhile by someone else, say)."""


class StoredWorkflows:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, worker_id: str = "") -> None:
        self._sessions = sessions
        self._worker_id = worker_id

    @unbroken
    async def everything(self) -> list[StoredWorkflowView]:
        """Every row, oldest first: the active ones, and the removed ones queued jobs may still be on."""
        async with self._sessions() as session:
            rows = await session.scalars(select(StoredWorkflow).order_by(StoredWorkflow.id))
            return [StoredWorkflowView.of(row) for row in rows]

    @unbroken
    async def add(self, new: NewWorkflow) -> StoredWorkflowView:
        """Raises NameTaken when an active workflow of the same scope (that guild, or every guild) has that
        name: a guild's names are its own."""
        same_scope = (
            StoredWorkflow.guild_id.is_(None)
            if new.guild_id is None
            else StoredWorkflow.guild_id == new.guild_id
        )
        async with self._sessions.begin() as session:
            taken = await session.scalar(
                select(StoredWorkflow.id).where(
                    StoredWorkflow.name == new.name, same_scope, StoredWorkflow.removed_at.is_(None)
                )
            )
            if taken is not None:
                raise NameTaken(new.name)
            row = StoredWorkflow(
                name=new.name,
                guild_id=new.guild_id,
                kind=new.kind,
                graph=dict(new.graph),
                sidecar=dict(new.sidecar) if new.sidecar is not None else None,
                version=new.version,
                added_by=new.added_by,
            )
            session.add(row)
            try:
                await session.flush()
            except IntegrityError:  # added meanwhile, between the look above and this insert
                raise NameTaken(new.name) from None
            await tell(session, WorkflowsChangedMessage(sender=self._worker_id))
            return StoredWorkflowView.of(row)

    @unbroken
    async def remove(self, workflow_id: int, *, by_user_id: int) -> bool:
        """Marks it removed (False if it already was); the row stays for the jobs bound to it."""
        async with self._sessions.begin() as session:
            row = await session.get(StoredWorkflow, workflow_id, with_for_update=True)
            if row is None or row.removed_at is not None:
                return False
            row.removed_at = utcnow()
            row.removed_by = by_user_id
            await tell(session, WorkflowsChangedMessage(sender=self._worker_id))
            return True

    @unbroken
    async def jobs_waiting_or_running(self, guild_id: int) -> dict[str, int]:
        """Per workflow name, how many of this guild's jobs are queued or running on it."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(Job.workflow_name, func.count())
                .where(Job.guild_id == guild_id, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
                .group_by(Job.workflow_name)
            )
            return {str(name): int(count) for name, count in rows}
