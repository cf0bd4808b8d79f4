"""A press on a result made twice makes one job: the job store looks for the same member's same press under
the per-user lock it makes a job with, so presses racing on their own connections (two gateway processes)
still make one (core.jobs.presses says which presses are the same and for how long)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.connections import run_unit
from db.engine import create_engine, create_sessionmaker
from db.enums import JobStatus
from db.models import Job
from db.repositories.job_create import SamePress, create_job
from db.schemas import JobCreate
from db.types import utcnow
from db.units.jobs import JobStore
from tests.db.factories import ALICE, BOB, read_document
from tests.db.factories import job_data as base_job_data

RACERS = 8
WINDOW = timedelta(seconds=5)


@pytest.fixture
async def wide_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    # One connection per racer, so the race really happens on the server.
    engine = create_engine(database_url, pool_size=RACERS, max_overflow=0)
    yield engine
    await engine.dispose()


async def _result(store: JobStore) -> int:
    """A finished job whose result is pressed on."""
    job = await store.create(JobCreate.model_validate(base_job_data()))
    return job.id


def _pressed(parent_id: int, press: str = "strong:0", user_id: int = ALICE) -> JobCreate:
    return JobCreate.model_validate(base_job_data(parent_id=parent_id, press=press, user_id=user_id))


async def _made(store: JobStore, data: JobCreate) -> int | None:
    try:
        job = await store.create(data, admit=lambda counts: None, press_window=WINDOW)
    except SamePress:
        return None
    return job.id


async def test_presses_racing_on_their_own_connections_make_one_job(
    wide_engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    parent = await _result(JobStore(sessionmaker, read_document))
    stores = [JobStore(create_sessionmaker(wide_engine), read_document) for _ in range(RACERS)]
    made = await asyncio.gather(*(_made(store, _pressed(parent)) for store in stores))
    assert len([job for job in made if job is not None]) == 1


async def test_another_member_or_another_press_makes_its_own_job(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document)
    parent = await _result(store)
    first = await _made(store, _pressed(parent))
    assert first is not None
    with pytest.raises(SamePress) as same:
        await store.create(_pressed(parent), admit=lambda counts: None, press_window=WINDOW)
    assert same.value.job_id == first
    assert await _made(store, _pressed(parent, user_id=BOB)) is not None, "another member's own job"
    assert await _made(store, _pressed(parent, "strong:1")) is not None, "another image of the result"
    assert await _made(store, _pressed(parent, "subtle:0")) is not None, "another button"
    found = await store.same_press(
        guild_id=base_job_data()["guild_id"], user_id=ALICE, parent_id=parent, press="strong:0", window=WINDOW
    )
    assert found == first


async def test_a_finished_job_answers_its_press_only_within_the_window(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    store = JobStore(sessionmaker, read_document)
    parent = await _result(store)
    made_at = utcnow()

    def create_at(at: timedelta) -> Callable[[Connection], None]:
        def make(connection: Connection) -> None:
            data, now = _pressed(parent), made_at + at
            create_job(connection, data, now=now, count_user=False, message="{}", press_window=WINDOW)

        return make

    await run_unit(engine, create_at(timedelta(0)), scope="transaction")
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Job).where(Job.parent_id == parent).values(status=JobStatus.SUCCEEDED, finished_at=made_at)
        )

    # A double click's second press, after a quick job was done already: still the same press.
    with pytest.raises(SamePress):
        await run_unit(engine, create_at(WINDOW - timedelta(seconds=1)), scope="transaction")
    # Pressed again once it is done, past the window: a second variation, on purpose.
    await run_unit(engine, create_at(WINDOW + timedelta(seconds=1)), scope="transaction")
