"""Atomic status changes: conditional, with timestamps and leases kept consistent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import DeliveryState, JobStatus
from db.models import Job
from db.repositories import JobRepository
from db.repositories.artifacts import ArtifactRepository
from db.repositories.job_recovery import JobRecoveryRepository
from tests.db.factories import artifact_data, claimed, job_data

NOW = datetime.now(UTC)
LEASE = NOW + timedelta(seconds=30)


async def fresh(session: AsyncSession, job_id: int) -> Job:
    session.expunge_all()
    job = await JobRepository(session).get(job_id)
    assert job is not None
    return job


async def test_transition_wins_only_from_an_expected_status(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())

    assert not await jobs.transition(job.id, [JobStatus.RUNNING], JobStatus.SUCCEEDED)
    assert (await fresh(session, job.id)).status is JobStatus.QUEUED
    assert await jobs.transition(job.id, [JobStatus.QUEUED, JobStatus.RUNNING], JobStatus.CANCELLED)
    assert not await jobs.transition(job.id, [JobStatus.QUEUED, JobStatus.RUNNING], JobStatus.CANCELLED)
    assert not await jobs.transition(job.id + 1000, [JobStatus.QUEUED], JobStatus.CANCELLED)


async def test_final_status_stamps_finished_at_clears_the_lease_and_keeps_error_fields(
    session: AsyncSession,
) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    assert await claimed(jobs, job.id, "worker-1", LEASE)

    assert await jobs.transition(
        job.id,
        [JobStatus.RUNNING],
        JobStatus.FAILED,
        error_message="The image could not be made.",
        error_detail="KeyError: 'KSampler'",
    )

    failed = await fresh(session, job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.finished_at is not None
    assert failed.started_at is not None
    assert failed.finished_at >= failed.started_at
    assert (failed.lease_owner, failed.lease_expires_at) == (None, None)
    assert failed.error_message == "The image could not be made."
    assert failed.error_detail == "KeyError: 'KSampler'"


async def test_transition_refreshes_a_job_already_loaded_in_the_session(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    assert await jobs.transition(
        job.id, [JobStatus.QUEUED], JobStatus.RUNNING, backend_url="http://gpu-1:8188"
    )
    assert job.status is JobStatus.RUNNING
    assert job.backend_url == "http://gpu-1:8188"


async def test_transition_refuses_fields_it_must_not_change(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    with pytest.raises(TypeError, match="guild_id"):
        await jobs.transition(job.id, [JobStatus.QUEUED], JobStatus.RUNNING, guild_id=1)
    with pytest.raises(TypeError, match="no_such_column"):
        await jobs.transition(job.id, [JobStatus.QUEUED], JobStatus.RUNNING, no_such_column=1)
    assert (await fresh(session, job.id)).status is JobStatus.QUEUED


async def test_release_puts_the_job_back_in_its_place_for_its_lease_holder_only(
    session: AsyncSession,
) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    queued_at = job.queued_at
    assert await claimed(jobs, job.id, "worker-1", LEASE)

    assert not await jobs.release(job.id, "worker-2")
    assert await jobs.release(job.id, "worker-1")

    released = await fresh(session, job.id)
    assert released.status is JobStatus.QUEUED
    assert (released.lease_owner, released.lease_expires_at, released.started_at) == (None, None, None)
    assert released.queued_at == queued_at
    assert await claimed(jobs, job.id, "worker-2", LEASE)
    assert (await fresh(session, job.id)).attempts == 2


async def test_renewing_extends_only_this_workers_running_leases(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    mine = [await jobs.add(job_data()) for _ in range(2)]
    theirs = await jobs.add(job_data())
    for job in mine:
        assert await claimed(jobs, job.id, "worker-1", LEASE)
    assert await claimed(jobs, theirs.id, "worker-2", LEASE)
    later = LEASE + timedelta(minutes=1)

    assert await jobs.renew_leases("worker-1", later) == 2

    assert [(await fresh(session, job.id)).lease_expires_at for job in mine] == [later, later]
    assert (await fresh(session, theirs.id)).lease_expires_at == LEASE


async def test_expired_leases_are_listed_and_reclaimed_unless_renewed_meanwhile(
    session: AsyncSession,
) -> None:
    jobs = JobRepository(session)
    dead = await jobs.add(job_data())
    alive = await jobs.add(job_data())
    renewed = await jobs.add(job_data())
    assert await claimed(jobs, dead.id, "dead-worker", NOW - timedelta(seconds=5))
    assert await claimed(jobs, alive.id, "live-worker", NOW + timedelta(seconds=30))
    assert await claimed(jobs, renewed.id, "slow-worker", NOW - timedelta(seconds=1))

    expired = await jobs.expired_leases(NOW)
    assert [job.id for job in expired] == [dead.id, renewed.id]

    assert await jobs.renew_leases("slow-worker", NOW + timedelta(seconds=30)) == 1
    assert await jobs.release(dead.id, "dead-worker", expired_before=NOW)
    assert not await jobs.release(renewed.id, "slow-worker", expired_before=NOW)
    assert [job.id for job in await jobs.expired_leases(NOW)] == []
    assert [row[0] for row in await JobRecoveryRepository(session).queued_with_workflow()] == [dead.id]


async def test_delivery_moves_forward_conditionally_and_keeps_message_ids(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())

    assert await jobs.mark_delivery(job.id, [DeliveryState.PENDING], DeliveryState.DELIVERING)
    assert not await jobs.mark_delivery(job.id, [DeliveryState.PENDING], DeliveryState.DELIVERING)
    assert await jobs.mark_delivery(
        job.id, [DeliveryState.DELIVERING], DeliveryState.DELIVERED, response_message_id=1234
    )
    assert await jobs.mark_delivery(
        job.id, [DeliveryState.DELIVERED], DeliveryState.DELIVERED, channel_message_id=5678
    )

    delivered = await fresh(session, job.id)
    assert delivered.delivery_state is DeliveryState.DELIVERED
    assert (delivered.response_message_id, delivered.channel_message_id) == (1234, 5678)


async def test_running_to_running_updates_fields_but_keeps_the_start_time(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    assert await claimed(jobs, job.id, "worker-1", LEASE)
    started_at = (await fresh(session, job.id)).started_at

    assert await jobs.transition(job.id, [JobStatus.RUNNING], JobStatus.RUNNING, prompt_id="p-1")

    running = await fresh(session, job.id)
    assert running.prompt_id == "p-1"
    assert running.started_at == started_at
    assert running.lease_owner == "worker-1"


async def test_an_upload_of_an_artifact_no_longer_there_is_passed_over(session: AsyncSession) -> None:
    from db.repositories import delivery_records as records

    job = await JobRepository(session).add(job_data())
    (kept,) = await ArtifactRepository(session).add_all([artifact_data(job.id)])
    uploads = [(987654, "https://cdn.example/gone.png"), (kept.id, "https://cdn.example/kept.png")]
    await session.run_sync(lambda sync: records.mark_uploaded(sync.connection(), 555, uploads))
    session.expunge_all()
    (posted,) = await ArtifactRepository(session).by_message_id(555)
    assert (posted.id, posted.attachment_url) == (kept.id, "https://cdn.example/kept.png")
