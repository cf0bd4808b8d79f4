"""A job's kept input is uploaded to the backend that runs it before each post: the first one, a move to
another backend and a resubmission after ComfyUI restarted; a failed upload never reaches the member as a
traceback (issue 14)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.jobs.input_staging import INPUT_GONE
from core.jobs.updates import JobCancelled, JobCompleted, JobFailed, JobProgress, JobSetback, Setback
from db.enums import JobStatus
from db.units.job_inputs import JobInputStore
from tests.core.jobs.harness import eventually, image_request, running_core
from tests.core.jobs.input_kinds import LOADER_ID, picture_taking_kinds
from tests.core.jobs.test_submit_inputs import PICTURE, with_picture
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory

SLOW = FakeConfig(step_time_s=0.05, default_steps=40)


def loader_file(prompt: dict[str, object]) -> str:
    graph = prompt["prompt"]
    assert isinstance(graph, dict)
    return str(graph[LOADER_ID]["inputs"]["image"])


async def test_the_picture_is_uploaded_to_the_backend_that_runs_the_job_under_the_jobs_own_name(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        assert isinstance(await observer.final(job.id), JobCompleted)
        [kept] = await JobInputStore(runtime.sessions).for_job(job.id)

    [upload] = fake_comfy.uploads
    assert upload.path.read_bytes() == PICTURE
    assert (upload.subfolder, upload.name) == (f"bot-job-{job.id}", f"image-{kept.sha256[:16]}.png")
    [posted] = fake_comfy.prompts_received
    assert loader_file(posted) == f"bot-job-{job.id}/{upload.name}"
    # What is stored keeps the marker: any backend's own name for the file is decided at each post.
    assert job.posted_graph is not None
    assert job.posted_graph[LOADER_ID]["inputs"]["image"] == "bot-input:image"


async def test_a_job_that_moves_to_another_backend_uploads_its_picture_there(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fakes = [await fake_comfy_factory(SLOW), await fake_comfy_factory(SLOW)]
    urls = [fake.url for fake in fakes]
    async with running_core(database_url, urls, tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        updates = observer.updates[job.id]
        await observer.wait_until(lambda: any(isinstance(u, JobProgress) for u in updates))
        first = next(fake for fake in fakes if fake.prompts_received)
        other = next(fake for fake in fakes if fake is not first)
        await first.kill()
        assert isinstance(await observer.final(job.id, within_s=30), JobCompleted)

    assert [upload.sha256 for upload in first.uploads] == [upload.sha256 for upload in other.uploads]
    [moved] = other.prompts_received
    assert loader_file(moved) == f"bot-job-{job.id}/{other.uploads[0].name}"
    assert other.uploads[0].path.read_bytes() == PICTURE


async def test_a_job_resubmitted_after_a_comfyui_restart_uploads_its_picture_again(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(SLOW)
    async with running_core(database_url, [fake.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        updates = observer.updates[job.id]
        await observer.wait_until(lambda: any(isinstance(u, JobProgress) for u in updates))
        await fake.kill()
        # A server whose input folder was cleaned while it was down (a new container, say): only a new
        # upload lets the job run again.
        fake.uploads[0].path.unlink()
        await fake.restart()
        assert isinstance(await observer.final(job.id, within_s=30), JobCompleted)

    first, again = fake.uploads
    assert (again.subfolder, again.name, again.sha256) == (first.subfolder, first.name, first.sha256)
    assert again.path.read_bytes() == PICTURE
    assert len(fake.prompts_received) == 2
    assert loader_file(fake.prompts_received[1]) == loader_file(fake.prompts_received[0])


async def test_an_upload_the_backend_rejects_fails_the_job_with_a_friendly_message_after_retrying(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(max_upload_size=len(PICTURE) // 2))
    async with running_core(database_url, [fake.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        final = await observer.final(job.id)
        stored = await runtime.store.get(job.id)

    assert isinstance(final, JobFailed)
    assert final.user_message == "That file is too large for the ComfyUI server."
    assert stored is not None
    assert stored.attempts == 3
    assert fake.prompts_received == []  # nothing posted without its picture


async def test_a_backend_whose_uploads_crash_is_left_for_another_one(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fakes = [await fake_comfy_factory(), await fake_comfy_factory()]
    # Both idle: the scheduler sends the job to the first by name, whose uploads crash.
    broken, working = sorted(fakes, key=lambda fake: fake.url)
    broken.config.upload_status = 500
    urls = [fake.url for fake in fakes]
    # Marked down by its failed upload, it stays down until the next health check: not within this test.
    async with running_core(
        database_url, urls, tmp_path, kinds=picture_taking_kinds(), health_interval_s=60.0
    ) as (runtime, observer):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        final = await observer.final(job.id, within_s=20)
        updates = observer.updates[job.id]

    assert isinstance(final, JobCompleted)
    assert broken.prompts_received == []
    [upload] = working.uploads
    assert loader_file(working.prompts_received[0]) == f"bot-job-{job.id}/{upload.name}"
    # The member was told the server failed and the job moved on, as when a server goes away.
    assert [u.setback for u in updates if isinstance(u, JobSetback)] == [Setback.SERVER_GONE]


@pytest.mark.parametrize("damage", ["deleted", "altered"])
async def test_a_kept_picture_gone_from_disk_at_post_time_fails_the_job_kindly(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path, damage: str
) -> None:
    """The bot restarts while the job waits for its only backend, and the data folder lost the file (or
    someone edited it) meanwhile: the new process has only the disk to read it from."""
    fake = await fake_comfy_factory()
    await fake.kill()
    async with running_core(database_url, [fake.url], tmp_path, kinds=picture_taking_kinds()) as (runtime, _):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        [kept] = await JobInputStore(runtime.sessions).for_job(job.id)
    path = tmp_path / kept.path
    await asyncio.to_thread(path.unlink if damage == "deleted" else path.write_bytes, b"other")  # type: ignore[operator]
    await fake.restart()
    async with running_core(database_url, [fake.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        final = await observer.final(job.id, within_s=20)

    assert isinstance(final, JobFailed)
    assert final.user_message == str(INPUT_GONE)
    assert final.text == INPUT_GONE, "with its catalogue key, for the front-end to translate"
    assert fake.uploads == []
    assert fake.prompts_received == []


async def test_a_job_with_a_picture_survives_a_restart_of_the_bot_and_of_comfyui_together(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    """The new process re-attaches, learns the prompt is gone, and posts again: with the picture uploaded
    again from the data folder (the kept file, not Discord)."""
    fake = await fake_comfy_factory(SLOW)
    async with running_core(database_url, [fake.url], tmp_path, kinds=picture_taking_kinds()) as (runtime, _):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        await eventually(lambda: fake.running_prompt_id is not None)
    await fake.kill()
    fake.uploads[0].path.unlink()
    await fake.restart()  # its queue, history and (here) input folder are gone
    fake.config.step_time_s = 0.005
    async with running_core(database_url, [fake.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        assert isinstance(await observer.final(job.id, within_s=20), JobCompleted)

    first, again = fake.uploads
    assert again.name == first.name
    assert again.path.read_bytes() == PICTURE
    assert loader_file(fake.prompts_received[-1]) == f"bot-job-{job.id}/{again.name}"


async def test_a_job_cancelled_while_its_picture_is_uploading_is_never_posted(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    fake_comfy.hold_uploads()
    async with running_core(database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        request = with_picture(image_request())
        job = (await runtime.service.submit(request)).job
        await asyncio.wait_for(fake_comfy.upload_waiting.wait(), 10)
        await runtime.service.cancel(job.id, guild_id=job.guild_id, requester=request.requester)
        fake_comfy.release_uploads()
        final = await observer.final(job.id)
        stored = await runtime.store.get(job.id)

    assert isinstance(final, JobCancelled)
    assert stored is not None
    assert stored.status is JobStatus.CANCELLED
    assert fake_comfy.prompts_received == []


@pytest.mark.parametrize("asked", ["here", "recorded only"])
async def test_a_job_cancelled_while_its_upload_is_refused_ends_cancelled_not_queued_again(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path, asked: str
) -> None:
    """A refused upload has the job tried again elsewhere, unless it was asked to stop meanwhile: of this
    worker, or only recorded with the job (asked in another process, its message to this worker not in)."""
    fake = await fake_comfy_factory(FakeConfig(max_upload_size=len(PICTURE) // 2))
    fake.hold_uploads()
    async with running_core(database_url, [fake.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        observer,
    ):
        request = with_picture(image_request())
        job = (await runtime.service.submit(request)).job
        await asyncio.wait_for(fake.upload_waiting.wait(), 10)
        if asked == "here":
            await runtime.service.cancel(job.id, guild_id=job.guild_id, requester=request.requester)
        else:
            await runtime.store.request_cancel(job.id, request.requester.user_id, tell_workers=False)
        fake.release_uploads()
        final = await observer.final(job.id)
        stored = await runtime.store.get(job.id)

    assert isinstance(final, JobCancelled)
    assert final.by_user_id == request.requester.user_id
    assert stored is not None
    assert stored.status is JobStatus.CANCELLED
    assert stored.attempts == 1, "never queued again"
    assert fake.prompts_received == []
