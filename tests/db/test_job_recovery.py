"""What a worker reads at start and to take over: queued jobs, its own running jobs, undelivered results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import DeliveryState, JobStatus
from db.repositories import JobRepository
from db.repositories import delivery_records as records
from db.repositories.job_recovery import JobRecoveryRepository
from tests.db.factories import ALICE, BOB, GUILD_A, GUILD_B, claimed, job_data

NOW = datetime.now(UTC)


async def test_queued_jobs_come_with_their_workflow_in_queue_order(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    first = await jobs.add(job_data(workflow_name="sdxl"))
    second = await jobs.add(job_data(guild_id=GUILD_B, user_id=BOB, workflow_name="ace-step"))
    running = await jobs.add(job_data())
    assert await claimed(jobs, running.id, "w", NOW + timedelta(minutes=1))

    rows = await JobRecoveryRepository(session).queued_with_workflow()

    assert rows == [(first.id, GUILD_A, ALICE, "sdxl", []), (second.id, GUILD_B, BOB, "ace-step", [])]


async def test_running_jobs_of_one_worker(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    mine, theirs = await jobs.add(job_data()), await jobs.add(job_data())
    assert await claimed(jobs, mine.id, "me", NOW + timedelta(minutes=1))
    assert await claimed(jobs, theirs.id, "them", NOW + timedelta(minutes=1))

    assert [job.id for job in await JobRecoveryRepository(session).running_owned_by("me")] == [mine.id]


async def test_take_over_only_an_expired_lease(session: AsyncSession) -> None:
    jobs, recovery = JobRepository(session), JobRecoveryRepository(session)
    dead, alive = await jobs.add(job_data()), await jobs.add(job_data())
    assert await claimed(jobs, dead.id, "dead", NOW - timedelta(seconds=1))
    assert await claimed(jobs, alive.id, "alive", NOW + timedelta(minutes=1))

    assert await recovery.take_over(dead.id, "heir", NOW + timedelta(minutes=1), expired_before=NOW)
    assert not await recovery.take_over(alive.id, "heir", NOW + timedelta(minutes=1), expired_before=NOW)
    assert [job.id for job in await recovery.running_owned_by("heir")] == [dead.id]


async def test_undelivered_final_jobs_and_their_message_ids(session: AsyncSession) -> None:
    jobs, recovery = JobRepository(session), JobRecoveryRepository(session)
    delivered, pending, delivering, live = [await jobs.add(job_data()) for _ in range(4)]
    for job in (delivered, pending, delivering):
        assert await jobs.transition(job.id, [JobStatus.QUEUED], JobStatus.SUCCEEDED)
    assert await jobs.mark_delivery(delivered.id, [DeliveryState.PENDING], DeliveryState.DELIVERED)
    assert await jobs.mark_delivery(delivering.id, [DeliveryState.PENDING], DeliveryState.DELIVERING)
    await session.run_sync(
        lambda sync: records.set_message_ids(
            sync.connection(), pending.id, now=NOW, response_message_id=71, channel_message_id=72
        )
    )

    undelivered = await recovery.undelivered_final()

    assert [job.id for job in undelivered] == [pending.id, delivering.id]
    assert live.id not in [job.id for job in undelivered]
    found = await jobs.by_message_id(72)
    assert found is not None
    assert found.id == pending.id
