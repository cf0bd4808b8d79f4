"""A round of claims in one transaction: each job's outcome as its claim alone would have it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.enums import JobStatus
from db.repositories.job_events import JobEventRepository
from db.schemas import JobCreate
from db.units.job_claims import Claim
from db.units.jobs import JobStore
from tests.db.factories import ALICE, BOB, GUILD_A, job_data, read_document

LEASE_S = 60.0


async def queued_job(store: JobStore, user_id: int = ALICE) -> int:
    return (await store.create(JobCreate.model_validate(job_data(user_id=user_id)))).id


def claim(job_id: int, user_id: int = ALICE, *, cap: tuple[int, int] | None = None) -> Claim:
    return Claim(job_id, GUILD_A, user_id, f"prompt-{job_id}", f"http://gpu-{job_id}", cap)


async def test_a_round_claims_each_queued_job_with_its_prompt_and_backend_and_skips_a_gone_one(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w1")
    first, gone, last = await queued_job(store), await queued_job(store, BOB), await queued_job(store)
    await store.finish_unsuccessfully(gone, JobStatus.CANCELLED, from_statuses=(JobStatus.QUEUED,))

    claimed = await store.claim_round([claim(last), claim(gone, BOB), claim(first)], lease_s=LEASE_S)

    assert [c.at_cap for c in claimed] == [False, False, False]
    assert claimed[1].job is None
    views = [c.job for c in (claimed[0], claimed[2])]
    assert [(v.id, v.status, v.prompt_id, v.backend_url, v.attempts) for v in views if v] == [
        (last, JobStatus.RUNNING, f"prompt-{last}", f"http://gpu-{last}", 1),
        (first, JobStatus.RUNNING, f"prompt-{first}", f"http://gpu-{first}", 1),
    ]
    async with sessionmaker() as session:
        events = [[e.kind for e in await JobEventRepository(session).for_job(i)] for i in (first, last)]
    assert events == [["queued", "claimed"], ["queued", "claimed"]]
    # Taken once: a second round (another worker's) finds nothing left to claim.
    again = await JobStore(sessionmaker, read_document, worker_id="w2").claim_round(
        [claim(first), claim(last)], lease_s=LEASE_S
    )
    assert [c.job for c in again] == [None, None]


@pytest.mark.postgres
async def test_a_round_leaves_a_user_at_their_cap_across_workers_queued_and_claims_the_others(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    store = JobStore(create_sessionmaker(engine), read_document, worker_id="me")
    try:
        elsewhere = await queued_job(store)
        assert (
            await store.claim(elsewhere, worker_id="other", prompt_id="p", backend="b", lease_s=60)
            is not None
        )
        capped, free = await queued_job(store), await queued_job(store, BOB)

        claimed = await store.claim_round(
            [claim(capped, cap=(0, 1)), claim(free, BOB, cap=(0, 1))], lease_s=60
        )

        assert [(c.job is not None, c.at_cap) for c in claimed] == [(False, True), (True, False)]
        assert (await store.get(capped)).status is JobStatus.QUEUED  # type: ignore[union-attr]
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_two_workers_rounds_of_the_same_capped_users_in_opposite_orders_both_finish(
    postgres_url: str,
) -> None:
    """Each round holds its users' locks until it commits: taken in one order, no two rounds wait on each
    other (PostgreSQL would break such a deadlock by failing one of them)."""
    engine = create_engine(postgres_url, pool_size=4, max_overflow=0)
    sessions = create_sessionmaker(engine)
    one, two = (
        JobStore(sessions, read_document, worker_id="w1"),
        JobStore(sessions, read_document, worker_id="w2"),
    )
    try:
        for _ in range(10):
            jobs = [await queued_job(one, user) for user in (ALICE, BOB, ALICE, BOB)]
            rounds = await asyncio.gather(
                one.claim_round([claim(jobs[0], cap=(0, 99)), claim(jobs[1], BOB, cap=(0, 99))], lease_s=60),
                two.claim_round([claim(jobs[3], BOB, cap=(0, 99)), claim(jobs[2], cap=(0, 99))], lease_s=60),
            )
            assert all(c.job is not None for claimed in rounds for c in claimed)
    finally:
        await engine.dispose()
