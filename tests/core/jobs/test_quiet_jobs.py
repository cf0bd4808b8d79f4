"""Jobs quick enough on their backend are posted quietly (QueueSettings.quiet_below_s, comfy.quiet): through
the real queue, the real database and the fake ComfyUI over real sockets."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from bot.runtime import CoreRuntime
from core.jobs.updates import JobCompleted, JobFailed, JobProgress, JobQueued, JobStarted
from db.models import Job
from tests.core.jobs.harness import FAST_CLIENT, RecordingObserver, eventually, image_request, running_core
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

# The fake's jobs take about 0.1 s, start to saved result: this limit keeps them quick on a loaded machine.
QUICK = {"quiet_below_s": 10.0}


async def learned(runtime: CoreRuntime, observer: RecordingObserver) -> int:
    """One job of the workflow run to its end (loud: nothing learned yet), so the next ones are quiet."""
    first = await runtime.service.submit(image_request(user_id=9, prompt="a red fox", seed=1))
    assert isinstance(await observer.final(first.job.id), JobCompleted)
    return first.job.id


def posted_with(fake: FakeComfyUI) -> list[str]:
    return [body["client_id"] for body in fake.prompts_received]


async def test_a_workflow_that_ran_quickly_there_before_is_posted_quietly_and_still_delivers(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data", **QUICK) as (
        runtime,
        observer,
    ):
        first_job = await learned(runtime, observer)
        second = await runtime.service.submit(image_request(prompt="a red fox", seed=2))
        final = await observer.final(second.job.id)

        assert posted_with(fake_comfy) == ["test-bot", "test-bot.quiet"]
        assert isinstance(final, JobCompleted)
        assert len(final.artifacts) == 1
        assert (tmp_path / "data" / final.artifacts[0].path).stat().st_size == final.artifacts[0].size_bytes
        assert any(isinstance(u, JobProgress) for u in observer.updates[first_job])
        shown = [u for u in observer.updates[second.job.id] if isinstance(u, JobStarted | JobProgress)]
        assert shown == [], "nothing of its progress was sent, so none is shown"
        async with runtime.sessions() as session:
            job = await session.scalar(select(Job).where(Job.id == second.job.id))
            assert job is not None
            assert job.started_at is not None, "its start is known from the server's history"
            assert job.finished_at is not None
            assert job.started_at <= job.finished_at


async def test_a_workflow_slower_there_than_the_limit_stays_loud(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    async with running_core(database_url, [fake_comfy.url], data, quiet_below_s=1e-6) as (runtime, observer):
        for seed in (1, 2):
            receipt = await runtime.service.submit(image_request(prompt="a red fox", seed=seed))
            assert isinstance(await observer.final(receipt.job.id), JobCompleted)

        assert posted_with(fake_comfy) == ["test-bot", "test-bot"]
        assert any(isinstance(u, JobProgress) for u in observer.updates[receipt.job.id])


async def test_quiet_posting_can_be_turned_off(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data", quiet_below_s=0) as (
        runtime,
        obs,
    ):
        for seed in (1, 2):
            receipt = await runtime.service.submit(image_request(prompt="a red fox", seed=seed))
            assert isinstance(await obs.final(receipt.job.id), JobCompleted)

        assert posted_with(fake_comfy) == ["test-bot", "test-bot"]


async def test_a_quiet_job_that_fails_on_its_server_fails_with_the_servers_reason(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data", **QUICK) as (
        runtime,
        observer,
    ):
        await learned(runtime, observer)
        fake_comfy.config.runtime_error_class = "SaveImage"
        second = await runtime.service.submit(image_request(prompt="a red fox", seed=2))
        final = await observer.final(second.job.id)

        assert posted_with(fake_comfy)[-1] == "test-bot.quiet"
        assert isinstance(final, JobFailed)
        assert final.user_message.startswith("Something went wrong on the ComfyUI server")


async def test_quiet_jobs_at_the_server_when_the_bot_stops_are_delivered_once_by_the_next_one(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.01, default_steps=4))
    before = RecordingObserver()
    async with running_core(database_url, [fake.url], tmp_path, observer=before, **QUICK) as (runtime, _):
        await learned(runtime, before)
        fake.hold_mid_run()
        receipts = [await runtime.service.submit(image_request(user_id=u, seed=10 + u)) for u in range(3)]
        await eventually(lambda: fake.running_prompt_id is not None and len(fake.pending_prompt_ids) == 1)
    # The first process is gone; ComfyUI goes on with the two quiet prompts it was given.
    assert posted_with(fake) == ["test-bot", "test-bot.quiet", "test-bot.quiet"]
    fake.go()
    after = RecordingObserver()
    async with running_core(database_url, [fake.url], tmp_path, observer=after, **QUICK) as (runtime, _):
        for receipt in receipts:
            await after.wait_until(lambda r=receipt: bool(after.finals.get(r.job.id)))
            assert len(before.finals.get(receipt.job.id, []) + after.finals[receipt.job.id]) == 1
            assert isinstance(after.finals[receipt.job.id][0], JobCompleted)
    # The two at the server were followed, not run again; the third was posted by the new process, quietly
    # too: what the first process learned of the workflow's time is read back from the database.
    assert posted_with(fake) == ["test-bot"] + ["test-bot.quiet"] * 3


async def test_a_job_sent_behind_a_running_quiet_job_is_told_it_is_next_there(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    # As the bot runs its clients: no GET /queue at each change of the server's queue (bot/runtime.py).
    client = replace(FAST_CLIENT, queue_positions=False)
    async with running_core(
        database_url, [fake_comfy.url], tmp_path, client=client, position_refresh_s=0.05, **QUICK
    ) as (runtime, observer):
        await learned(runtime, observer)
        fake_comfy.hold_mid_run()
        running = await runtime.service.submit(image_request(user_id=1, seed=2))
        await eventually(lambda: fake_comfy.running_prompt_id is not None)
        behind = await runtime.service.submit(image_request(user_id=2, seed=3))
        await eventually(lambda: len(fake_comfy.pending_prompt_ids) == 1)
        await observer.wait_until(
            lambda: any(isinstance(u, JobQueued) and u.on_server for u in observer.updates[behind.job.id])
        )
        await asyncio.sleep(0.2)  # a few turns of the places' refresh: none may say otherwise

        told = [u for u in observer.updates[behind.job.id] if isinstance(u, JobQueued) and u.on_server]
        assert posted_with(fake_comfy)[-2:] == ["test-bot.quiet"] * 2
        assert [u.position for u in told] == [0] * len(told), "the quiet job ahead runs: none waits before it"
        fake_comfy.go()
        for receipt in (running, behind):
            assert isinstance(await observer.final(receipt.job.id), JobCompleted)
