"""What is recorded of a finished job's delivery (state, messages, uploads, events): units of work of the job
store.

What is written after Discord was changed (a message posted, files uploaded) is retried through a database
outage: failing it would fail the delivery, and its retry would post or upload again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.connections import run_unit
from db.driver_units import run_driver_unit
from db.enums import DeliveryState
from db.repositories import delivery_marks as marks
from db.repositories import delivery_records as records
from db.repositories.artifacts import ArtifactRepository
from db.snapshots import ArtifactView
from db.types import utcnow
from db.units.outages import through_outages
from db.units.unbroken import unbroken


class JobDeliveryRecords:
    sessions: async_sessionmaker[AsyncSession]
    _engine: AsyncEngine

    @unbroken
    async def artifacts_of(self, job_id: int) -> tuple[ArtifactView, ...]:
        async with self.sessions() as session:
            return tuple(ArtifactView.of(a) for a in await ArtifactRepository(session).for_job(job_id))

    @unbroken
    async def mark_delivery(
        self, job_id: int, from_states: Sequence[DeliveryState], to: DeliveryState
    ) -> bool:
        now = utcnow()
        return await run_driver_unit(
            self._engine,
            lambda connection: marks.mark_delivery(connection, job_id, from_states, to, now=now),
            scope="statement",
        )

    @unbroken
    async def mark_deliveries(
        self, job_ids: Sequence[int], from_states: Sequence[DeliveryState], to: DeliveryState
    ) -> None:
        """Several jobs' last steps together (core/jobs/delivery_marks.py): one trip to the database."""
        now = utcnow()
        await run_driver_unit(
            self._engine,
            lambda connection: marks.mark_deliveries(connection, job_ids, from_states, to, now=now),
            scope="statement",
        )

    @through_outages
    @unbroken
    async def record_messages(
        self, job_id: int, *, response_message_id: int | None = None, channel_message_id: int | None = None
    ) -> None:
        now = utcnow()
        await run_unit(
            self._engine,
            lambda connection: records.set_message_ids(
                connection,
                job_id,
                now=now,
                response_message_id=response_message_id,
                channel_message_id=channel_message_id,
            ),
            scope="statement",
        )

    @through_outages
    @unbroken
    async def record_event(self, job_id: int, kind: str, detail: dict[str, Any] | None = None) -> None:
        now = utcnow()
        await run_unit(
            self._engine,
            lambda connection: records.record_event(connection, job_id, kind, detail, now=now),
            scope="statement",
        )

    @unbroken
    async def claim_once(self, job_id: int, kind: str) -> bool:
        """Records the job's event `kind` unless it is recorded already: True the first time only, across
        restarts and deliveries again. For what is said to someone once (claimed before it is said: a crash
        in between loses it rather than saying it twice)."""
        now = utcnow()
        return await run_unit(
            self._engine,
            lambda connection: records.claim_event(connection, job_id, kind, now=now),
            scope="transaction",
        )

    @through_outages
    @unbroken
    async def record_uploads(self, message_id: int, uploads: Sequence[tuple[int, str]]) -> None:
        """Where a message's files were posted, (artifact id, attachment address) each: one trip for all."""
        if uploads:
            await run_unit(
                self._engine,
                lambda connection: records.mark_uploaded(connection, message_id, uploads),
                scope="transaction",
            )
