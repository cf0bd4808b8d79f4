"""Job inputs recorded and read, each in a transaction of its own; callers get snapshots, never rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import InputMedia, InputSource
from db.models import JobInput
from db.repositories.job_inputs import JobInputRepository
from db.schemas import JobInputCreate
from db.units.unbroken import unbroken


@dataclass(frozen=True, slots=True)
class JobInputView:
    job_id: int
    role: str
    media: InputMedia
    mime_type: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    duration_seconds: float | None
    path: str
    declared_name: str
    source: InputSource
    source_url: str | None
    source_job_id: int | None

    @classmethod
    def of(cls, row: JobInput) -> JobInputView:
        return cls(
            row.job_id, row.role, row.media, row.mime_type, row.size_bytes, row.sha256, row.width, row.height,
            row.duration_seconds, row.path, row.declared_name, row.source, row.source_url, row.source_job_id,
        )  # fmt: skip


class JobInputStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @unbroken
    async def record(self, data: JobInputCreate | Mapping[str, Any]) -> JobInputView:
        """Store one input of a job (checked first: InvalidInput names every bad field)."""
        async with self._sessions.begin() as session:
            return JobInputView.of(await JobInputRepository(session).add(data))

    async def for_job(self, job_id: int) -> tuple[JobInputView, ...]:
        async with self._sessions() as session:
            return tuple(JobInputView.of(row) for row in await JobInputRepository(session).for_job(job_id))

    async def made_from(self, source_job_id: int) -> tuple[int, ...]:
        """The jobs made from a result of ``source_job_id`` (Vary, Upscale, Remix, a reply), oldest first."""
        async with self._sessions() as session:
            return tuple(await JobInputRepository(session).made_from(source_job_id))
