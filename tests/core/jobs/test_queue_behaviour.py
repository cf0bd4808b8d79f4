"""Pipelining, limits, cancel, retry, timeout: the queue against the fake ComfyUI and a real database."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from core.errors import JobNotFound, LimitReached, NotAllowed, UserFacingError
from core.jobs.policy import Requester
from core.jobs.updates import JobCancelled, JobCompleted, JobFailed, JobQueued
from core.kinds import IMAGE
from db.enums import JobStatus
from db.models import Job
from db.repositories.guild_policies import GuildPolicyRepository
from db.schemas import JobCreate
from tests.core.jobs.harness import eventually, image_request, running_core
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

SLOW = FakeConfig(step_time_s=0.05, default_steps=6)


async def test_the_next_prompt_waits_in_the_backend_queue_while_one_runs(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.03, default_steps=5))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        # ComfyUI holds its first prompt: the next is posted to wait behind it, however loaded the machine.
        fake.hold()
        receipts = [await runtime.service.submit(image_request(user_id=u)) for u in (1, 2, 3, 4)]
        await eventually(lambda: fake.running_prompt_id is not None and len(fake.pending_prompt_ids) == 1)
        fake.go()
        pending_seen: list[int] = []
        while not all(observer.finals.get(r.job.id) for r in receipts):
            if fake.running_prompt_id is not None:
                pending_seen.append(len(fake.pending_prompt_ids))
            await asyncio.sleep(0.01)
        assert all(isinstance(observer.finals[r.job.id][0], JobCompleted) for r in receipts)
        # Exactly one pre-queued prompt beyond the running one, never more: the choice stays ours (fair).
        assert max(pending_seen) == 1


async def test_at_the_global_cap_the_next_job_starts_when_the_running_one_ends(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(
        database_url, [fake_comfy.url], tmp_path, global_max_running=1, prequeue_depth=0
    ) as (runtime, observer):
        first = await runtime.service.submit(image_request(user_id=1))
        second = await runtime.service.submit(image_request(user_id=2))
        finals = [await observer.final(first.job.id), await observer.final(second.job.id)]

    assert all(isinstance(final, JobCompleted) for final in finals)


async def test_a_user_never_has_more_jobs_running_than_their_cap(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fakes = [await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=6)) for _ in range(3)]
    async with running_core(database_url, [f.url for f in fakes], tmp_path) as (runtime, observer):
        receipts = [await runtime.service.submit(image_request(user_id=7)) for _ in range(6)]
        most = 0
        while not all(observer.finals.get(r.job.id) for r in receipts):
            at_backends = sum(len(f.pending_prompt_ids) + (f.running_prompt_id is not None) for f in fakes)
            most = max(most, at_backends)
            await asyncio.sleep(0.005)
        assert most == 3  # six free places across three backends, but the default cap is 3 per user


async def test_the_eleventh_queued_job_is_refused_with_a_clear_message(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(SLOW)
    async with running_core(database_url, [fake.url], tmp_path, global_max_running=0) as (runtime, _):
        async with runtime.sessions.begin() as session:
            await GuildPolicyRepository(session).update(1, {"rate_capacity": 100})
        for _ in range(10):
            await runtime.service.submit(image_request(user_id=5))
        with pytest.raises(LimitReached) as refused:
            await runtime.service.submit(image_request(user_id=5))
        assert "10 jobs queued" in refused.value.user_message
        # Someone else in the same guild is not affected.
        await runtime.service.submit(image_request(user_id=6))


async def test_a_guild_over_its_rate_limit_is_told_when_to_try_again(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        async with runtime.sessions.begin() as session:
            await GuildPolicyRepository(session).update(1, {"rate_capacity": 2, "rate_refill_per_minute": 6})
        await runtime.service.submit(image_request(user_id=1))
        await runtime.service.submit(image_request(user_id=2))
        with pytest.raises(LimitReached) as refused:
            await runtime.service.submit(image_request(user_id=3))
        assert "Try again in 10 s" in refused.value.user_message
        await runtime.service.submit(image_request(guild_id=2, user_id=3))  # other guilds are not slowed


async def test_cancel_a_queued_job(database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (
        runtime,
        observer,
    ):
        receipt = await runtime.service.submit(image_request(user_id=1))
        await runtime.service.cancel(
            receipt.job.id, guild_id=1, requester=Requester(user_id=1, channel_id=101)
        )
        final = await observer.final(receipt.job.id)
        assert isinstance(final, JobCancelled)
        assert final.by_user_id == 1
        job = await runtime.store.get(receipt.job.id)
        assert job is not None
        assert job.status is JobStatus.CANCELLED
        assert fake_comfy.prompts_received == []


async def test_only_the_requester_or_a_manager_may_cancel(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (
        runtime,
        observer,
    ):
        receipt = await runtime.service.submit(image_request(user_id=1))
        with pytest.raises(NotAllowed):
            await runtime.service.cancel(
                receipt.job.id, guild_id=1, requester=Requester(user_id=2, channel_id=101)
            )
        manager = Requester(user_id=3, channel_id=101, is_manager=True)
        await runtime.service.cancel(receipt.job.id, guild_id=1, requester=manager)
        assert isinstance(await observer.final(receipt.job.id), JobCancelled)


async def test_cancelling_someone_elses_private_job_is_answered_as_a_job_that_does_not_exist(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (
        runtime,
        observer,
    ):
        private = await runtime.service.submit(replace(image_request(user_id=1), private=True))
        bob = Requester(user_id=2, channel_id=101)
        answers = []
        for job_id in (private.job.id, private.job.id + 1000):  # his neighbour's private job, and none
            with pytest.raises(UserFacingError) as refused:
                await runtime.service.cancel(job_id, guild_id=1, requester=bob)
            answers.append((type(refused.value), refused.value.user_message.replace(str(job_id), "N")))
        manager = Requester(user_id=3, channel_id=101, is_manager=True)
        await runtime.service.cancel(private.job.id, guild_id=1, requester=manager)
        assert isinstance(await observer.final(private.job.id), JobCancelled)

    assert answers[0] == answers[1]
    assert answers[0][0] is JobNotFound


async def test_cancel_the_running_and_the_prequeued_job(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.1, default_steps=30))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        first = await runtime.service.submit(image_request(user_id=1))
        second = await runtime.service.submit(image_request(user_id=2))
        await eventually(lambda: fake.running_prompt_id is not None and len(fake.pending_prompt_ids) == 1)
        jobs = {
            job.prompt_id: job for job in [await runtime.store.get(r.job.id) for r in (first, second)] if job
        }
        running, prequeued = jobs[fake.running_prompt_id], jobs[fake.pending_prompt_ids[0]]
        await runtime.service.cancel(
            prequeued.id, guild_id=1, requester=Requester(user_id=prequeued.user_id, channel_id=101)
        )
        await runtime.service.cancel(
            running.id, guild_id=1, requester=Requester(user_id=running.user_id, channel_id=101)
        )
        assert isinstance(await observer.final(prequeued.id), JobCancelled)
        assert isinstance(await observer.final(running.id), JobCancelled)
        assert fake.queue_deletes, "the pre-queued prompt is removed with POST /queue delete"
        assert fake.interrupts, "the running prompt is interrupted"
        assert fake.queue_deletes == [[prequeued.prompt_id]]
        for receipt in (first, second):
            job = await runtime.store.get(receipt.job.id)
            assert job is not None
            assert job.status is JobStatus.CANCELLED


async def test_a_job_that_runs_too_long_is_interrupted_and_failed(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.1, default_steps=50))
    async with running_core(database_url, [fake.url], tmp_path, job_timeout_s=0.5) as (runtime, observer):
        receipt = await runtime.service.submit(image_request())
        final = await observer.final(receipt.job.id)
        assert isinstance(final, JobFailed)
        assert "took longer than" in final.user_message
        # What the member may lower for an image: its quality (an image is never "shorter").
        assert final.user_message.endswith("Try a lower quality."), final.user_message
        assert fake.interrupts
        await fake.wait_idle()


async def test_a_job_moves_to_another_backend_when_its_backend_dies(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fakes = [await fake_comfy_factory(FakeConfig(step_time_s=0.1, default_steps=20)) for _ in range(2)]
    async with running_core(database_url, [f.url for f in fakes], tmp_path) as (runtime, observer):
        # Two users' jobs land on the two backends, one each (least loaded first).
        receipts = [await runtime.service.submit(image_request(user_id=u)) for u in (1, 2)]
        await eventually(lambda: all(f.running_prompt_id is not None for f in fakes))
        doomed, survivor = fakes
        victim_prompt = doomed.running_prompt_id
        await doomed.kill()
        survivor.config.step_time_s = 0.01
        finals = [await observer.final(r.job.id, within_s=20) for r in receipts]
        assert all(isinstance(final, JobCompleted) for final in finals)
        moved = [await runtime.store.get(r.job.id) for r in receipts]
        victim = next(job for job in moved if job is not None and job.attempts == 2)
        assert victim.backend_url == survivor.url
        assert victim.prompt_id != victim_prompt  # resubmitted under a fresh prompt id


async def test_a_rejected_workflow_fails_permanently_with_the_reason(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory()
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        fake.config.models = {"CheckpointLoaderSimple.ckpt_name": ["other.safetensors"]}
        receipt = await runtime.service.submit(image_request())
        final = await observer.final(receipt.job.id)
        assert isinstance(final, JobFailed)
        # The member hears what is wrong in plain words; the node's input is for the operator.
        assert "missing a model" in final.user_message
        assert "ckpt_name" not in final.user_message
        job = await runtime.store.get(receipt.job.id)
        assert job is not None
        assert job.attempts == 1
        async with runtime.sessions() as session:
            detail = await session.scalar(select(Job.error_detail).where(Job.id == receipt.job.id))
        assert detail is not None
        assert "ckpt_name" in detail


async def test_queued_jobs_hear_their_new_place_as_the_queue_moves(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.03, default_steps=5))
    async with running_core(database_url, [fake.url], tmp_path, position_refresh_s=0.05) as (
        runtime,
        observer,
    ):
        receipts = [await runtime.service.submit(image_request(user_id=u)) for u in range(5)]
        last = receipts[-1]
        await observer.final(last.job.id, within_s=20)
        places = [u.position for u in observer.updates[last.job.id] if isinstance(u, JobQueued)]
        assert places, "the last job was told its place while it waited"
        assert places == sorted(places, reverse=True), "places only move forward"
        assert places[-1] < last.position


async def test_jobs_no_backend_can_run_wait_aside_without_holding_up_the_others(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        stranded = await runtime.store.create(
            JobCreate(
                guild_id=1,
                channel_id=101,
                user_id=50,
                kind=IMAGE,
                raw_input="x",
                params={"prompt": "x"},
                workflow_name="removed-workflow",
                workflow_version="v",
                seed=1,
            )
        )
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, observer):
        receipts = [await runtime.service.submit(image_request(guild_id=1, user_id=u)) for u in (1, 2)]
        for receipt in receipts:
            assert isinstance(await observer.final(receipt.job.id), JobCompleted)
        assert runtime.dispatcher.queued_count() == 1  # the stranded job still waits, set aside
        job = await runtime.store.get(stranded.id)
        assert job is not None
        assert job.status is JobStatus.QUEUED
