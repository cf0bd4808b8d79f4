"""Restart recovery: the service object is discarded mid-run and a new one starts on the same database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from core.jobs.snapshots import JobView
from core.jobs.updates import JobCompleted, JobUpdate
from db.enums import DeliveryState, JobStatus
from tests.core.jobs.harness import RecordingObserver, eventually, image_request, running_core, wait_delivered
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory


async def test_every_job_is_delivered_exactly_once_across_a_restart(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.03, default_steps=8))
    before = RecordingObserver()
    async with running_core(database_url, [fake.url], tmp_path, observer=before) as (runtime, _):
        receipts = [await runtime.service.submit(image_request(user_id=u % 3)) for u in range(8)]
        await eventually(lambda: fake.running_prompt_id is not None and len(fake.pending_prompt_ids) == 1)
        # Kept so while the process stops: a prompt finishing meanwhile would let it post the next one, on
        # a loaded machine maybe half-way, as it goes.
        fake.hold_mid_run()
    # The first process is gone; ComfyUI keeps running what it was given.
    fake.go()
    after = RecordingObserver()
    async with running_core(database_url, [fake.url], tmp_path, observer=after) as (runtime, _):
        for receipt in receipts:
            await after.wait_until(
                lambda r=receipt: bool(after.finals.get(r.job.id) or before.finals.get(r.job.id))
            )
        for receipt in receipts:
            deliveries = before.finals.get(receipt.job.id, []) + after.finals.get(receipt.job.id, [])
            assert len(deliveries) == 1, f"job {receipt.job.id} delivered {len(deliveries)} times"
            assert isinstance(deliveries[0], JobCompleted)
            job = await wait_delivered(runtime, receipt.job.id)
            assert job.status is JobStatus.SUCCEEDED
            assert job.delivery_state is DeliveryState.DELIVERED
    # The prompts that were at the backend when the bot died were followed, not run a second time.
    assert len(fake.prompts_received) == len(receipts)


async def test_jobs_lost_by_a_comfyui_restart_are_resubmitted(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=20))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, _):
        receipts = [await runtime.service.submit(image_request(user_id=u)) for u in (1, 2, 3)]
        await eventually(lambda: fake.running_prompt_id is not None and len(fake.pending_prompt_ids) == 1)
        # Kept so until ComfyUI dies: a prompt finishing while the process stops (a second of steps, which
        # a loaded machine can take to stop) would end the first job, or let the third one be posted too.
        fake.hold_mid_run()
    await fake.kill()
    await fake.restart()  # history and queue are gone
    fake.config.step_time_s = 0.005
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        finals = [await observer.final(r.job.id, within_s=15) for r in receipts]
        assert all(isinstance(final, JobCompleted) for final in finals)
        attempts = sorted([(await runtime.store.get(r.job.id)).attempts for r in receipts])  # type: ignore[union-attr]
        assert attempts == [1, 2, 2]  # the two at the backend ran again; the queued one ran once


@dataclass
class _CrashesWhileDelivering(RecordingObserver):
    """A front-end that hangs forever on the final edit: the process dies in the middle of delivery."""

    # Set when the result reaches the front-end: by then its outcome is stored.
    delivering: asyncio.Event = field(default_factory=asyncio.Event)

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        if isinstance(update, JobCompleted):
            self.delivering.set()
            await asyncio.Event().wait()
        await super().job_updated(job, update)


async def test_a_delivery_interrupted_by_a_crash_is_made_after_the_restart(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory()
    crashing = _CrashesWhileDelivering()
    async with running_core(database_url, [fake.url], tmp_path, observer=crashing) as (runtime, _):
        receipt = await runtime.service.submit(image_request())
        job_id = receipt.job.id
        async with asyncio.timeout(10):
            await crashing.delivering.wait()
        job = await runtime.store.get(job_id)
        assert job is not None
        assert job.delivery_state is DeliveryState.DELIVERING
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        final = await observer.final(job_id)
        assert isinstance(final, JobCompleted)
        assert len(final.artifacts) == 1
        job = await wait_delivered(runtime, job_id)
        assert job.delivery_state is DeliveryState.DELIVERED


async def test_a_front_end_outage_is_retried_until_the_result_is_delivered(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    observer = RecordingObserver(fail_finals=2)
    async with running_core(database_url, [fake_comfy.url], tmp_path, observer=observer) as (runtime, _):
        receipt = await runtime.service.submit(image_request())
        assert isinstance(await observer.final(receipt.job.id), JobCompleted)
        assert observer.fail_finals == 0
        job = await wait_delivered(runtime, receipt.job.id)
        assert job.delivery_state is DeliveryState.DELIVERED
