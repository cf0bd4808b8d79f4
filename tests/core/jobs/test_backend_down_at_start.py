"""A ComfyUI that is down when the bot starts delays jobs until it answers; it is not a failure."""

from __future__ import annotations

from pathlib import Path

from core.jobs.updates import JobCompleted
from tests.core.jobs.harness import image_request, running_core
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
        await fake.restart()
        final = await observer.final(receipt.job.id, within_s=20)
        assert isinstance(final, JobCompleted)
