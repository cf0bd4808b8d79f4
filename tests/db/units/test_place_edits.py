"""A queued job's place edit, sent by a worker that does not own the job, never lands over the owner's later
edits (db/units/place_edits.py): the owner waits for a place edit in flight, and a place edit begun after the
claim is not sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, create_sessionmaker
from db.schemas import JobCreate
from db.units.jobs import JobStore
from db.units.place_edits import PLACE_EDITS_AT_ONCE
from tests.db.factories import job_data, read_document

pytestmark = pytest.mark.postgres


@pytest.fixture
async def engines(postgres_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """One engine per worker process: the leader telling places, the owner running the job."""
    leader, owner = create_engine(postgres_url), create_engine(postgres_url)
    yield leader, owner
    await leader.dispose()
    await owner.dispose()


def _store(engine: AsyncEngine, worker_id: str) -> JobStore:
    return JobStore(create_sessionmaker(engine), read_document, worker_id=worker_id)


async def _queued(store: JobStore) -> int:
    return (await store.create(JobCreate.model_validate(job_data()))).id


async def _claim(store: JobStore, job_id: int) -> None:
    claimed = await store.claim(
        job_id, worker_id=store.worker_id, prompt_id="p", backend="http://gpu", lease_s=60
    )
    assert claimed is not None


async def _until_an_advisory_lock_is_awaited(engine: AsyncEngine) -> None:
    """The owner's request for the lock is queued behind the leader's (seen only in pg_locks)."""
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    async with asyncio.timeout(10), engine.connect() as connection:
        while not await connection.scalar(query):  # noqa: ASYNC110 - PostgreSQL's lock queue has no event
            await asyncio.sleep(0.005)


async def test_the_owner_edits_after_a_place_edit_in_flight_and_a_later_one_is_not_sent(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    leader, owner = _store(engines[0], "leader"), _store(engines[1], "owner")
    job_id = await _queued(owner)
    message: list[str] = []  # what the job's message was edited to, in the order Discord saw it

    async def owner_runs_and_delivers() -> None:
        await _claim(owner, job_id)
        await owner.after_place_edits(job_id)
        message.append("done")

    async with leader.while_queued(job_id) as queued:
        assert queued
        delivering = asyncio.create_task(owner_runs_and_delivers())
        await _until_an_advisory_lock_is_awaited(engines[0])
        assert not delivering.done()
        message.append("queued")  # the leader's edit, still in flight while the job was claimed and ran
    await delivering

    assert message == ["queued", "done"]
    async with leader.while_queued(job_id) as queued:
        assert not queued, "a place edit begun after the claim is not sent"


async def test_while_the_database_is_unreachable_no_place_is_told_and_the_owner_does_not_wait() -> None:
    nowhere = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")  # nothing listens on port 1
    store = _store(nowhere, "alone")
    try:
        async with store.while_queued(1) as queued:
            assert not queued
        await store.after_place_edits(1)
    finally:
        await nowhere.dispose()


async def test_only_a_few_place_edits_hold_a_connection_at_once(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    """The rest wait for a slot, not for the pool: claims, leases and results still find a connection."""
    leader = _store(engines[0], "leader")
    jobs = [await _queued(leader) for _ in range(PLACE_EDITS_AT_ONCE)]
    async with contextlib.AsyncExitStack() as stack:
        for job_id in jobs:
            assert await stack.enter_async_context(leader.while_queued(job_id))
        slots = leader._place_edit_slots
        assert slots is not None
        assert slots.locked(), "a further place edit waits for one of these"
        assert await leader.get(jobs[0]) is not None, "other work still gets a connection"
    assert not slots.locked()
