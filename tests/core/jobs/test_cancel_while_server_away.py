"""A job cancelled while its ComfyUI server is away ends cancelled, as its member was told it would: not as
a failure ("the ComfyUI server restarted") nor run again once the server is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.jobs.updates import JobCancelled, JobProgress, JobSetback
from db.enums import JobStatus
from tests.core.jobs.harness import FAST_CLIENT, image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory


@pytest.mark.timeout(60)
async def test_a_job_cancelled_while_its_server_is_away_ends_cancelled_when_it_is_back(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=40))
    async with running_core(database_url, [fake.url], tmp_path, client=FAST_CLIENT) as (runtime, observer):
        request = image_request()
        job_id = (await runtime.service.submit(request)).job.id
        updates = observer.updates[job_id]
        await observer.wait_until(lambda: any(isinstance(u, JobProgress) for u in updates))
        await fake.kill()
        await observer.wait_until(lambda: any(isinstance(u, JobSetback) for u in updates))

        await runtime.service.cancel(job_id, guild_id=request.guild_id, requester=request.requester)
        await fake.restart()  # with an empty queue: the prompt is gone, as after a real restart
        final = await observer.final(job_id, within_s=30)
        job = await runtime.store.get(job_id)

    assert isinstance(final, JobCancelled), final
    assert final.by_user_id == request.requester.user_id
    assert job is not None
    assert job.status is JobStatus.CANCELLED
    assert len(fake.prompts_received) == 1  # not run again for nobody


@pytest.mark.timeout(60)
async def test_a_job_cancelled_while_its_lost_attempt_is_being_given_up_ends_cancelled(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cancel lands while the lost attempt is being released for a retry (the job still runs here, so
    the member is told it is cancelling): the job queued again ends cancelled, never run a second time."""
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.05, default_steps=40))
    async with running_core(database_url, [fake.url], tmp_path, client=FAST_CLIENT) as (runtime, observer):
        request = image_request()
        job_id = (await runtime.service.submit(request)).job.id
        updates = observer.updates[job_id]
        await observer.wait_until(lambda: any(isinstance(u, JobProgress) for u in updates))
        release_for_retry = runtime.store.release_for_retry
        cancels_heard: list[bool] = []

        async def cancel_meanwhile(*args: Any, **kwargs: Any) -> bool:
            job = await runtime.service.cancel(job_id, guild_id=request.guild_id, requester=request.requester)
            cancels_heard.append(job.status is JobStatus.RUNNING)
            return await release_for_retry(*args, **kwargs)

        monkeypatch.setattr(runtime.store, "release_for_retry", cancel_meanwhile)
        await fake.kill()
        await observer.wait_until(lambda: cancels_heard != [])
        await fake.restart()
        final = await observer.final(job_id, within_s=30)
        job = await runtime.store.get(job_id)

    assert cancels_heard == [True], "the cancel was taken while the attempt still ran here"
    assert isinstance(final, JobCancelled), final
    assert job is not None
    assert job.status is JobStatus.CANCELLED
    assert len(fake.prompts_received) == 1  # not run again for nobody
