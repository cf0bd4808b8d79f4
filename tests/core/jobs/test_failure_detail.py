"""What went wrong with a failed job, technically, is a manager's to read: the job's maker and the other
members get the plain sentence only, and a job that did not fail has no detail to show."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.jobs.policy import Requester
from core.jobs.updates import JobCompleted, JobFailed
from db.enums import JobStatus
from tests.core.jobs.harness import image_request, running_core
from tests.fakes.comfyui import FakeComfyUI

MAKER = Requester(user_id=5, channel_id=10)
MANAGER = Requester(user_id=7, channel_id=10, is_manager=True)


async def test_a_failed_jobs_detail_is_for_managers_only(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    fake_comfy.config.runtime_error_class = "KSampler"
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, observer):
        receipt = await runtime.service.submit(image_request(guild_id=1, user_id=MAKER.user_id))
        assert isinstance(await observer.final(receipt.job.id), JobFailed)
        failed = await runtime.service.get(receipt.job.id, guild_id=1)

        for_manager = await runtime.browser.failure_detail(failed, MANAGER)
        for_maker = await runtime.browser.failure_detail(failed, MAKER)
        for_other_member = await runtime.browser.failure_detail(failed, replace(MANAGER, is_manager=False))

    assert failed.status is JobStatus.FAILED
    assert for_manager is not None
    assert "(KSampler) raised RuntimeError: KSampler: simulated failure" in for_manager
    assert for_maker is None
    assert for_other_member is None


async def test_a_manager_gets_no_detail_of_a_job_that_did_not_fail_or_they_may_not_see(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, observer):
        receipt = await runtime.service.submit(image_request(guild_id=1, user_id=MAKER.user_id))
        assert isinstance(await observer.final(receipt.job.id), JobCompleted)
        succeeded = await runtime.service.get(receipt.job.id, guild_id=1)
        fake_comfy.config.runtime_error_class = "KSampler"
        failing = await runtime.service.submit(image_request(guild_id=1, user_id=MAKER.user_id, seed=2))
        assert isinstance(await observer.final(failing.job.id), JobFailed)
        failed = await runtime.service.get(failing.job.id, guild_id=1)

        of_success = await runtime.browser.failure_detail(succeeded, MANAGER)
        # Made in a channel the manager cannot read: someone else's business, manager or not.
        hidden = replace(MANAGER, hidden_channel_ids=frozenset({failed.channel_id}))
        of_hidden_channel = await runtime.browser.failure_detail(failed, hidden)
        seen = await runtime.browser.failure_detail(failed, MANAGER)

    assert of_success is None
    assert of_hidden_channel is None
    assert seen is not None, "the same failed job, where the manager can read it"
