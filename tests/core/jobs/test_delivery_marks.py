"""Delivered results' marks share database trips (core/jobs/delivery_marks.py): the marks made within the
window are one trip, each caller returns once its mark is written, through an outage, and one delivery
cancelled loses no other's mark."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.jobs.delivery_marks import DeliveryMarks
from db.enums import DeliveryState
from db.schemas import ArtifactCreate, JobCreate
from db.units.jobs import JobStore
from tests.db.factories import artifact_data, job_data, read_document

WINDOW_S = 0.2  # long enough that marks made one after another in a test land in it


class CountedStore(JobStore):
    """The job store, with its trips for marks counted (and, when told, failed first)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(sessions, read_document, worker_id="w")
        self.trips: list[list[int]] = []
        self.failures: list[Exception] = []

    async def mark_deliveries(
        self, job_ids: Sequence[int], from_states: Sequence[DeliveryState], to: DeliveryState
    ) -> None:
        self.trips.append(list(job_ids))
        if self.failures:
            raise self.failures.pop(0)
        await super().mark_deliveries(job_ids, from_states, to)


async def finished_jobs(store: JobStore, count: int) -> list[int]:
    """Succeeded jobs, their results being delivered (as `succeed` leaves them)."""
    ids = []
    for _ in range(count):
        job = await store.create(JobCreate.model_validate(job_data()))
        claimed = await store.claim(
            job.id, worker_id="w", prompt_id=f"p-{job.id}", backend="http://gpu", lease_s=60
        )
        assert claimed is not None
        assert await store.succeed(claimed, [ArtifactCreate.model_validate(artifact_data(job.id))])
        ids.append(job.id)
    return ids


async def states(store: JobStore, job_ids: list[int]) -> list[DeliveryState]:
    return [job.delivery_state for job in await store.views(job_ids)]


@pytest.fixture
def store(sessionmaker: async_sessionmaker[AsyncSession]) -> CountedStore:
    return CountedStore(sessionmaker)


async def test_marks_made_within_the_window_are_written_in_one_trip(store: CountedStore) -> None:
    delivered, given_up, later = [await finished_jobs(store, n) for n in (3, 1, 1)]
    marks = DeliveryMarks(store, window_s=WINDOW_S, backoff_s=0.01)

    await asyncio.gather(
        *(marks.record(job_id, DeliveryState.DELIVERED) for job_id in delivered),
        marks.record(given_up[0], DeliveryState.FAILED),
    )
    await marks.record(later[0], DeliveryState.DELIVERED)  # after the first batch was written: a new one

    assert sorted(map(sorted, store.trips)) == [delivered, given_up, later]
    assert await states(store, delivered + later) == [DeliveryState.DELIVERED] * 4
    assert await states(store, given_up) == [DeliveryState.FAILED]


async def test_a_mark_is_written_through_a_database_outage(store: CountedStore) -> None:
    (job_id,) = await finished_jobs(store, 1)
    marks = DeliveryMarks(store, window_s=0.0, backoff_s=0.01)
    store.failures = [OperationalError("UPDATE jobs", {}, ConnectionRefusedError("the server restarts"))] * 2

    await marks.record(job_id, DeliveryState.DELIVERED)

    assert len(store.trips) == 3
    assert await states(store, [job_id]) == [DeliveryState.DELIVERED]


async def test_an_error_other_than_an_outage_reaches_every_delivery_in_the_batch(store: CountedStore) -> None:
    job_ids = await finished_jobs(store, 2)
    marks = DeliveryMarks(store, window_s=WINDOW_S, backoff_s=0.01)
    store.failures = [ValueError("a bug")]

    outcomes = await asyncio.gather(
        *(marks.record(job_id, DeliveryState.DELIVERED) for job_id in job_ids), return_exceptions=True
    )

    assert [type(outcome) for outcome in outcomes] == [ValueError, ValueError]
    assert await states(store, job_ids) == [DeliveryState.DELIVERING] * 2  # delivered again at the next start


async def test_one_delivery_cancelled_while_waiting_loses_no_other_mark(store: CountedStore) -> None:
    first, second = await finished_jobs(store, 2)
    marks = DeliveryMarks(store, window_s=WINDOW_S, backoff_s=0.01)
    cancelled = asyncio.create_task(marks.record(first, DeliveryState.DELIVERED))
    await asyncio.sleep(0)  # its batch is open
    waiting = asyncio.create_task(marks.record(second, DeliveryState.DELIVERED))
    await asyncio.sleep(0)
    cancelled.cancel()

    await waiting
    assert store.trips == [[first, second]]
    assert await states(store, [first, second]) == [DeliveryState.DELIVERED] * 2
