"""A worker that stops gracefully hands its running jobs over: the next worker takes them at its start."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.jobs.policy import Requester
from core.jobs.updates import JobCancelled, JobCompleted, JobStarted
from db.enums import JobStatus
from tests.core.jobs.harness import FAST_CLIENT, eventually, image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

# Leases far longer than the test: only a hand-over lets the second worker have the job in time.
LONG_LEASE_S = 600.0
# ComfyUI's confirmation of a cancel is waited for this long (the client's window, 30 s by default).
SHORT_CANCEL_WINDOW = replace(FAST_CLIENT, cancel_timeout_s=0.5)
REQUESTER = Requester(user_id=10, channel_id=101)  # image_request's


async def test_a_job_handed_over_by_a_stopping_worker_is_taken_over_when_the_next_one_starts(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=40, previews=False))
    async with running_core(
        database_url, [fake.url], tmp_path, worker_id="worker-1", lease_s=LONG_LEASE_S
    ) as (runtime, first):
        receipt = await runtime.service.submit(image_request())
        job_id = receipt.job.id
        await first.wait_until(lambda: any(isinstance(u, JobStarted) for u in first.updates[job_id]))
    handed = await runtime.store.get(job_id)
    assert handed is not None
    assert handed.started_at is not None, "when ComfyUI started it is written as the worker stops"

    async with running_core(
        database_url,
        [fake.url],
        tmp_path,
        worker_id="worker-2",
        client_id="test-bot-2",
        lease_s=LONG_LEASE_S,
    ) as (runtime, second):
        final = await second.final(job_id, within_s=30)
        done = await runtime.store.get(job_id)
    assert isinstance(final, JobCompleted)
    assert len(fake.prompts_received) == 1, "followed to its end, not run a second time"
    assert done is not None
    assert done.started_at == handed.started_at


@pytest.mark.postgres
async def test_a_live_worker_takes_over_at_once_what_a_stopping_worker_hands_over(
    postgres_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=40, previews=False))
    leaving = running_core(
        postgres_url, [fake.url], tmp_path, worker_id="leaving", client_id="leaving", lease_s=LONG_LEASE_S
    )
    runtime, first = await leaving.__aenter__()
    try:
        receipt = await runtime.service.submit(image_request())
        job_id = receipt.job.id
        await first.wait_until(lambda: any(isinstance(u, JobStarted) for u in first.updates[job_id]))
    except BaseException:
        await leaving.__aexit__(None, None, None)
        raise
    async with running_core(
        postgres_url, [fake.url], tmp_path, worker_id="staying", client_id="staying", lease_s=LONG_LEASE_S
    ) as (_, second):
        await leaving.__aexit__(None, None, None)  # a graceful stop while the other worker runs on
        final = await second.final(job_id, within_s=30)
    assert isinstance(final, JobCompleted)
    assert len(fake.prompts_received) == 1


async def test_a_job_handed_over_with_a_cancel_comfyui_had_not_confirmed_ends_cancelled_not_delivered(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(previews=False))
    fake.hold()  # ComfyUI shows the prompt running, but neither runs it nor heeds an interrupt
    async with running_core(
        database_url,
        [fake.url],
        tmp_path,
        worker_id="worker-1",
        client=SHORT_CANCEL_WINDOW,
        lease_s=LONG_LEASE_S,
    ) as (runtime, first):
        job_id = (await runtime.service.submit(image_request())).job.id
        await eventually(lambda: fake.running_prompt_id is not None)
        await runtime.service.cancel(job_id, guild_id=1, requester=REQUESTER)  # kept; never confirmed here
        assert job_id not in first.finals
    async with running_core(
        database_url, [fake.url], tmp_path, worker_id="worker-2", lease_s=LONG_LEASE_S
    ) as (runtime, second):
        # ComfyUI runs again: whether its prompt is interrupted or finishes first, the job was cancelled.
        fake.go()
        final = await second.final(job_id, within_s=30)
        found = await runtime.store.get_with_artifacts(job_id, guild_id=1)
    assert final == JobCancelled(by_user_id=REQUESTER.user_id)
    assert found is not None
    job, artifacts = found
    assert job.status is JobStatus.CANCELLED
    assert artifacts == ()


async def test_a_job_whose_cancel_comfyui_does_not_confirm_ends_cancelled_at_its_timeout(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(previews=False))
    fake.hold()  # ComfyUI shows the prompt running, but neither runs it nor heeds an interrupt
    async with running_core(
        database_url, [fake.url], tmp_path, client=SHORT_CANCEL_WINDOW, job_timeout_s=3.0
    ) as (runtime, observer):
        job_id = (await runtime.service.submit(image_request())).job.id
        await eventually(lambda: fake.running_prompt_id is not None)
        await runtime.service.cancel(job_id, guild_id=1, requester=REQUESTER)  # ComfyUI never confirms it
        final = await observer.final(job_id, within_s=30)
    # It was asked to stop before its time ran out: cancelled, as its member was told, not "timed out".
    assert final == JobCancelled(by_user_id=REQUESTER.user_id)
