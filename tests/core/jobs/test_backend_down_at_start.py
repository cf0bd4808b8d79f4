"""A ComfyUI that is down when the bot starts delays jobs until it answers; it is not a failure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.jobs.updates import Hold, JobCompleted
from tests.core.jobs.harness import FAST_CLIENT, image_request, running_core
from tests.fixtures.comfyui import FakeComfyFactory


async def test_a_job_queued_while_the_only_backend_was_down_at_start_runs_once_it_answers(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory()
    await fake.kill()
    # The periodic capability refresh is far away: the backend's return alone must get the job going.
    async with running_core(database_url, [fake.url], tmp_path, capability_refresh_s=3600.0) as (
        runtime,
        observer,
    ):
        receipt = await runtime.service.submit(image_request())
        # Its message says why it does not start, not only "you are next" (and no wait) while it lasts.
        assert receipt.held is Hold.SERVERS_AWAY
        await fake.restart()
        final = await observer.final(receipt.job.id, within_s=20)
        assert isinstance(final, JobCompleted)


async def test_a_backend_slow_to_answer_at_start_holds_no_job_back_and_takes_jobs_once_it_answers(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    slow = await fake_comfy_factory()
    up = await fake_comfy_factory()
    slow.hold_object_info()  # a server with many custom nodes: /object_info takes seconds
    # No request gives up on it meanwhile, and the periodic capability refresh is far away: only its first
    # answer may bring the slow one in. A start that waited for that answer would never end.
    async with running_core(
        database_url,
        [slow.url, up.url],
        tmp_path,
        client=replace(FAST_CLIENT, request_timeout_s=3600.0),
        start_wait_s=0.3,
        capability_refresh_s=3600.0,
    ) as (runtime, observer):
        assert slow.object_info_waiting.is_set(), "the start was over before the slow backend answered"
        first = await runtime.service.submit(image_request())
        assert isinstance(await observer.final(first.job.id, within_s=20), JobCompleted)
        assert [len(slow.prompts_received), len(up.prompts_received)] == [0, 1]

        slow.release_object_info()
        await up.kill()  # from now on only the slow one can take the job
        second = await runtime.service.submit(image_request())
        assert isinstance(await observer.final(second.job.id, within_s=20), JobCompleted)
        assert len(slow.prompts_received) == 1
