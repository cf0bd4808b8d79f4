"""The claim the dispatcher makes: queued → running once, with its prompt id and backend, across workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.enums import JobStatus
from db.models import Job
from db.repositories.job_events import JobEventRepository
from db.repositories.job_recovery import JobRecoveryRepository
from db.schemas import JobCreate
from db.snapshots import JobView
from db.units.jobs import JobStore, UserAtCap
from tests.db.factories import ALICE, StoredDocument, job_data, read_document

RACERS = 20
LEASE_S = 60.0


@pytest.fixture
async def wide_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    # One connection per racer, so the race really happens on the server.
    engine = create_engine(database_url, pool_size=RACERS, max_overflow=0)
    yield engine
    await engine.dispose()


async def queued_job(store: JobStore) -> int:
    return (await store.create(JobCreate.model_validate(job_data()))).id


async def stored(sessions: async_sessionmaker[AsyncSession], job_id: int) -> Job:
    async with sessions() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def claim(
    store: JobStore, job_id: int, worker: str, *, user_cap: tuple[int, int] | None = None
) -> JobView | None:
    return await store.claim(
        job_id,
        worker_id=worker,
        prompt_id=f"prompt-{worker}-{job_id}",
        backend=f"http://{worker}",
        lease_s=LEASE_S,
        user_cap=user_cap,
    )


async def test_a_claim_takes_a_queued_job_once_with_its_prompt_and_backend(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w1")
    job_id = await queued_job(store)

    view = await store.claim(job_id, worker_id="w1", prompt_id="p-1", backend="http://gpu", lease_s=LEASE_S)
    again = await store.claim(job_id, worker_id="w2", prompt_id="p-2", backend="http://gpu", lease_s=LEASE_S)

    assert view is not None
    assert (view.status, view.prompt_id, view.backend_url, view.attempts) == (
        JobStatus.RUNNING,
        "p-1",
        "http://gpu",
        1,
    )
    assert again is None
    job = await stored(sessionmaker, job_id)
    assert job.lease_owner == "w1"
    assert job.lease_expires_at is not None
    # ComfyUI has not started it yet: started_at is written with the outcome.
    assert job.started_at is None
    async with sessionmaker() as session:
        events = await JobEventRepository(session).for_job(job_id)
    assert [event.kind for event in events] == ["queued", "claimed"]
    assert events[1].detail == {"worker": "w1", "backend": "http://gpu"}


async def test_twenty_workers_claiming_one_job_leave_one_owner(wide_engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(wide_engine)
    store = JobStore(sessions, read_document)
    job_id = await queued_job(store)

    results = await asyncio.gather(*(claim(store, job_id, f"worker-{n}") for n in range(RACERS)))

    winners = [n for n, result in enumerate(results) if result is not None]
    assert len(winners) == 1
    job = await stored(sessions, job_id)
    assert job.lease_owner == f"worker-{winners[0]}"
    assert job.attempts == 1


@pytest.mark.postgres
async def test_a_job_another_worker_is_claiming_is_skipped_not_waited_for(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    sessions = create_sessionmaker(engine)
    store = JobStore(sessions, read_document)
    try:
        job_id = await queued_job(store)
        async with sessions.begin() as other_worker:
            assert await JobRecoveryRepository(other_worker).lock_if_queued(job_id) is not None
            assert await claim(store, job_id, "me") is None
        assert await claim(store, job_id, "me") is not None
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_user_at_their_cap_across_workers_is_not_claimed_again(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    sessions = create_sessionmaker(engine)
    store = JobStore(sessions, read_document)
    try:
        elsewhere, waiting = await queued_job(store), await queued_job(store)
        assert await claim(store, elsewhere, "other") is not None

        with pytest.raises(UserAtCap):
            await claim(store, waiting, "me", user_cap=(0, 1))
        assert (await stored(sessions, waiting)).status is JobStatus.QUEUED
        assert await claim(store, waiting, "me", user_cap=(0, 2)) is not None
        assert (await stored(sessions, waiting)).user_id == ALICE
    finally:
        await engine.dispose()


async def test_views_read_the_jobs_as_get_does_and_skip_unknown_ids(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w1")
    first, second = await queued_job(store), await queued_job(store)
    await claim(store, second, "w1")

    views = await store.views([second, first, 999_999])

    assert sorted(views, key=lambda view: view.id) == [await store.get(first), await store.get(second)]


async def test_a_jobs_parameters_are_parsed_once_until_its_stored_document_changes(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    read: list[dict[str, Any]] = []

    def reader(kind: str, document: dict[str, Any]) -> StoredDocument:
        read.append(document)
        return read_document(kind, document)

    store = JobStore(sessionmaker, reader, worker_id="w1")
    job_id = await queued_job(store)
    for _ in range(3):  # the position announcer's turns
        await store.views([job_id])
    claimed = await claim(store, job_id, "w1")
    assert claimed is not None
    assert len(read) == 1

    async with sessionmaker.begin() as session:  # rewritten elsewhere: read anew
        await session.execute(update(Job).where(Job.id == job_id).values(params={"prompt": "a fox"}))
    (view,) = await store.views([job_id])

    assert view.params.model_dump() == {"prompt": "a fox"}
    assert len(read) == 2
