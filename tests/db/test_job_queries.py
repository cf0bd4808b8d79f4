"""The lookups the product needs: live jobs and caps, the queue, messages, artifacts and events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import DeliveryState, JobStatus
from db.repositories import (
    ActiveCounts,
    ArtifactRepository,
    JobEventRepository,
    JobRepository,
)
from db.repositories import delivery_records as records
from db.repositories.job_recovery import JobRecoveryRepository
from tests.db.factories import ALICE, BOB, GUILD_A, GUILD_B, artifact_data, claimed, job_data

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def test_active_jobs_of_a_user_are_queued_or_running_in_that_guild(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    queued = await jobs.add(job_data(user_id=ALICE))
    running = await jobs.add(job_data(user_id=ALICE))
    done = await jobs.add(job_data(user_id=ALICE))
    await jobs.add(job_data(user_id=ALICE, guild_id=GUILD_B))
    await jobs.add(job_data(user_id=BOB))
    assert await claimed(jobs, running.id, "w1", T0)
    assert await jobs.transition(done.id, [JobStatus.QUEUED], JobStatus.SUCCEEDED)

    active = await jobs.active_for_user(GUILD_A, ALICE)

    assert [job.id for job in active] == [queued.id, running.id]
    assert await jobs.active_counts_for_user(GUILD_A, ALICE) == ActiveCounts(queued=1, running=1)
    assert await jobs.active_counts_for_user(GUILD_A, 999) == ActiveCounts()


async def test_active_counts_per_guild_and_per_user(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    for guild_id, user_id in [(GUILD_A, ALICE), (GUILD_A, ALICE), (GUILD_A, BOB), (GUILD_B, BOB)]:
        await jobs.add(job_data(guild_id=guild_id, user_id=user_id))
    bobs_in_b = await jobs.add(job_data(guild_id=GUILD_B, user_id=BOB))
    assert await claimed(jobs, bobs_in_b.id, "w1", T0)
    finished = await jobs.add(job_data(guild_id=GUILD_B, user_id=ALICE))
    assert await jobs.transition(finished.id, [JobStatus.QUEUED], JobStatus.CANCELLED)

    assert await jobs.active_counts_by_guild() == {
        GUILD_A: ActiveCounts(queued=3),
        GUILD_B: ActiveCounts(queued=1, running=1),
    }
    assert await jobs.active_counts_by_user() == {
        (GUILD_A, ALICE): ActiveCounts(queued=2),
        (GUILD_A, BOB): ActiveCounts(queued=1),
        (GUILD_B, BOB): ActiveCounts(queued=1, running=1),
    }
    assert await jobs.active_counts_by_user(GUILD_B) == {(GUILD_B, BOB): ActiveCounts(queued=1, running=1)}


async def test_queue_lists_queued_jobs_oldest_first(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    late = await jobs.add(job_data(user_id=ALICE))
    early = await jobs.add(job_data(user_id=BOB, guild_id=GUILD_B))
    started = await jobs.add(job_data())
    late.queued_at = T0 + timedelta(minutes=5)
    early.queued_at = T0
    started.queued_at = T0 - timedelta(minutes=1)
    await session.flush()
    assert await claimed(jobs, started.id, "w1", T0)

    assert await JobRecoveryRepository(session).queued_with_workflow() == [
        (early.id, GUILD_B, BOB, "sdxl", []),
        (late.id, GUILD_A, ALICE, "sdxl", []),
    ]


async def test_job_is_found_by_either_of_its_messages(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    await jobs.add(job_data())
    assert await jobs.mark_delivery(
        job.id,
        [DeliveryState.PENDING],
        DeliveryState.DELIVERED,
        response_message_id=11,
        channel_message_id=22,
    )

    by_response = await jobs.by_message_id(11)
    by_channel = await jobs.by_message_id(22)

    assert by_response is not None
    assert by_response.id == job.id
    assert by_channel is not None
    assert by_channel.id == job.id
    assert await jobs.by_message_id(33) is None


async def test_job_with_artifacts_and_artifacts_by_message(session: AsyncSession) -> None:
    jobs, artifacts = JobRepository(session), ArtifactRepository(session)
    job = await jobs.add(job_data())
    other = await jobs.add(job_data())
    first, second = await artifacts.add_all(
        [artifact_data(job.id), artifact_data(job.id, path=f"artifacts/{job.id}/1.png")]
    )
    await artifacts.add(artifact_data(other.id))
    uploads = [(first.id, "https://cdn.example/0.png"), (second.id, "https://cdn.example/1.png")]
    await session.run_sync(lambda sync: records.mark_uploaded(sync.connection(), 555, uploads))
    session.expunge_all()

    loaded = await jobs.get_with_artifacts(job.id)
    posted = await artifacts.by_message_id(555)

    assert loaded is not None
    assert [artifact.path for artifact in loaded.artifacts] == [
        f"artifacts/{job.id}/0.png",
        f"artifacts/{job.id}/1.png",
    ]
    assert [artifact.id for artifact in posted] == [first.id, second.id]
    assert posted[1].attachment_url == "https://cdn.example/1.png"
    assert posted[0].meta == {"seed": 42, "workflow": "sdxl"}
    assert await artifacts.by_message_id(556) == []
    assert [a.job_id for a in await artifacts.for_job(other.id)] == [other.id]


async def test_prompt_id_is_unique(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    other = await jobs.add(job_data())
    prompt_id = "6f1c2a3e-0000-4000-8000-000000000001"
    assert await jobs.transition(job.id, [JobStatus.QUEUED], JobStatus.RUNNING, prompt_id=prompt_id)
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await jobs.transition(other.id, [JobStatus.QUEUED], JobStatus.RUNNING, prompt_id=prompt_id)


async def test_regeneration_points_at_its_parent(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    parent = await jobs.add(job_data())
    child = await jobs.add(job_data(parent_id=parent.id, seed=43))
    session.expunge_all()
    loaded = await jobs.get(child.id)
    assert loaded is not None
    assert loaded.parent_id == parent.id


async def test_events_record_the_jobs_life_in_order(session: AsyncSession) -> None:
    jobs, events = JobRepository(session), JobEventRepository(session)
    job = await jobs.add(job_data())
    for kind, detail in [("queued", {"position": 3}), ("started", {"backend": "http://a"}), ("progress", {})]:
        await events.record(job.id, kind, detail)

    life = await events.for_job(job.id)

    assert [(event.kind, event.detail) for event in life] == [
        ("queued", {"position": 3}),
        ("started", {"backend": "http://a"}),
        ("progress", {}),
    ]
    assert all(event.at.tzinfo is UTC for event in life)


async def test_deleting_a_job_removes_its_artifacts_and_events(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    job = await jobs.add(job_data())
    await ArtifactRepository(session).add(artifact_data(job.id))
    await JobEventRepository(session).record(job.id, "queued")
    session.expunge_all()
    loaded = await jobs.get(job.id)
    await session.delete(loaded)
    await session.flush()
    assert await ArtifactRepository(session).for_job(job.id) == []
    assert await JobEventRepository(session).for_job(job.id) == []


async def test_regeneration_of_a_missing_job_is_refused_by_the_database(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(IntegrityError):
        async with sessionmaker.begin() as session:
            await JobRepository(session).add(job_data(parent_id=424242))

    async with sessionmaker() as session:
        assert (await JobRepository(session).history(GUILD_A)).jobs == []


async def test_a_jobs_technical_detail_is_read_in_its_own_guild_only(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    failed = await jobs.add(job_data())
    quiet = await jobs.add(job_data())
    detail = "node 3 (KSampler) raised RuntimeError: out of luck"
    assert await jobs.transition(failed.id, [JobStatus.QUEUED], JobStatus.FAILED, error_detail=detail)
    assert await jobs.transition(quiet.id, [JobStatus.QUEUED], JobStatus.CANCELLED)

    assert await jobs.error_detail(failed.id, guild_id=GUILD_A) == detail
    assert await jobs.error_detail(failed.id, guild_id=GUILD_B) is None
    assert await jobs.error_detail(quiet.id, guild_id=GUILD_A) is None
