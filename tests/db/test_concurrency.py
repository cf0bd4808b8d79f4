"""Races between workers on separate connections: exactly one wins, and nobody errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.enums import JobStatus
from db.models import GuildPolicy, Job
from db.repositories import GuildPolicyRepository, JobRepository
from tests.db.factories import GUILD_A, job_data

RACERS = 20
LEASE = datetime.now(UTC) + timedelta(minutes=1)


@pytest.fixture
async def wide_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    # One connection per racer, so the race really happens on the server.
    engine = create_engine(database_url, pool_size=RACERS, max_overflow=0)
    yield engine
    await engine.dispose()


async def race(
    sessions: async_sessionmaker[AsyncSession], attempt: Callable[[AsyncSession, int], Awaitable[bool]]
) -> list[bool]:
    start = asyncio.Barrier(RACERS)

    async def racer(number: int) -> bool:
        async with sessions.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                await session.connection()  # hold an open transaction before the start signal
            await start.wait()
            return await attempt(session, number)

    return list(await asyncio.gather(*(racer(number) for number in range(RACERS))))


async def committed_job(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        return (await JobRepository(session).add(job_data())).id


async def test_twenty_concurrent_transitions_of_one_job_have_exactly_one_winner(
    wide_engine: AsyncEngine,
) -> None:
    sessions = create_sessionmaker(wide_engine)
    job_id = await committed_job(sessions)

    async def finish(session: AsyncSession, number: int) -> bool:
        return await JobRepository(session).transition(
            job_id, [JobStatus.QUEUED], JobStatus.SUCCEEDED, backend_url=f"http://gpu-{number}"
        )

    results = await race(sessions, finish)

    assert results.count(True) == 1
    async with sessions() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    assert job.status is JobStatus.SUCCEEDED
    assert job.backend_url == f"http://gpu-{results.index(True)}"


async def test_concurrent_first_uses_of_a_guild_create_one_policy(wide_engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(wide_engine)

    async def first_use(session: AsyncSession, _number: int) -> bool:
        policy = await GuildPolicyRepository(session).get_or_create(GUILD_A)
        return policy.guild_id == GUILD_A

    assert await race(sessions, first_use) == [True] * RACERS
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(GuildPolicy)) == 1
