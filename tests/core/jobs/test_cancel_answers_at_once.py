"""Cancelling a running job returns once the cancel is kept with the job (what /cancel and the ❌ reaction
wait for), not once ComfyUI has stopped its prompt: a slow or unreachable server may take its whole cancel
window. ComfyUI is still asked to stop it, in the background, and the job ends cancelled when it has."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from core.jobs.policy import Requester
from core.jobs.updates import JobCancelled, JobCancelling
from tests.core.jobs.harness import FAST_CLIENT, eventually, image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

# A confirmation waited for this long would hold the cancel far beyond the test's own bound.
LONG_CANCEL_WINDOW = replace(FAST_CLIENT, cancel_timeout_s=600.0)
REQUESTER = Requester(user_id=10, channel_id=101)  # image_request's


@pytest.mark.timeout(60)
async def test_a_cancel_returns_once_kept_with_the_job_while_comfyui_still_holds_the_prompt(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(previews=False))
    fake.hold()  # ComfyUI shows the prompt running, but neither runs it nor heeds an interrupt until go()
    async with running_core(database_url, [fake.url], tmp_path, client=LONG_CANCEL_WINDOW) as (
        runtime,
        observer,
    ):
        job_id = (await runtime.service.submit(image_request())).job.id
        await eventually(lambda: fake.running_prompt_id is not None)

        async with asyncio.timeout(10):  # ComfyUI cannot confirm before go(), below: waiting for it hangs
            await runtime.service.cancel(job_id, guild_id=1, requester=REQUESTER)
        asked = await runtime.store.cancel_request(job_id)
        told, ended_before = list(observer.updates[job_id]), bool(observer.finals.get(job_id))

        fake.go()
        final = await observer.final(job_id, within_s=30)

    assert asked is not None, "the cancel is kept with the job before the cancel returns"
    assert asked.by_user_id == REQUESTER.user_id
    assert JobCancelling(REQUESTER.user_id) in told, told
    assert not ended_before
    assert fake.interrupts, "ComfyUI was still asked to stop the prompt"
    assert final == JobCancelled(by_user_id=REQUESTER.user_id)
