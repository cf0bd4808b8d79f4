"""A request's inputs at submit: refused privately with nothing stored, or kept together with the job."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.runtime import CoreRuntime
from comfy.workflows.aspect import AspectRatio, dimensions_for
from core.errors import LimitReached, UserFacingError
from core.inputs import InputRefused, RefusalReason
from core.inputs.store import InputStore
from core.jobs.given_input import GivenInput
from core.jobs.service import JobRequest
from db.enums import InputMedia, InputSource
from db.models import Job, JobInput
from db.units.job_inputs import JobInputStore
from tests.core.inputs.media_samples import png_bomb
from tests.core.jobs.harness import image_request, running_core, song_request
from tests.core.jobs.input_kinds import picture_taking_kinds
from tests.fakes.comfyui import FakeComfyUI, media

PICTURE = media.png(48, 32, 0x336699)


def with_picture(request: JobRequest, data: bytes = PICTURE, **given: object) -> JobRequest:
    picture = GivenInput(
        role="image", data=data, declared_name="fox.png", origin="attachment",
        source_url="https://cdn.discordapp.com/attachments/1/2/fox.png",
    )  # fmt: skip
    return replace(request, inputs=(replace(picture, **given),))  # type: ignore[arg-type]


async def stored_counts(runtime: CoreRuntime, data_dir: Path) -> tuple[int, int, list[Path]]:
    """(jobs, job inputs, files under DATA_DIR/inputs): what a refused request must not leave."""
    async with runtime.sessions() as session:
        jobs = await session.scalar(select(func.count()).select_from(Job))
        inputs = await session.scalar(select(func.count()).select_from(JobInput))
    files = sorted(path for path in (data_dir / "inputs").rglob("*") if path.is_file())
    return jobs or 0, inputs or 0, files


async def test_a_picture_given_to_a_workflow_that_takes_none_is_refused_and_nothing_is_stored(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, _):
        with pytest.raises(UserFacingError) as refused:
            # A song workflow takes audio (a cover), never a picture; an image one makes image-to-image.
            await runtime.service.submit(with_picture(song_request()))
        assert await stored_counts(runtime, tmp_path) == (0, 0, [])
    assert "doesn't take an image" in refused.value.user_message


async def test_a_workflow_that_takes_a_picture_refuses_a_request_without_one(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        _,
    ):
        with pytest.raises(UserFacingError) as refused:
            await runtime.service.submit(image_request())
        assert await stored_counts(runtime, tmp_path) == (0, 0, [])
    assert "needs a picture" in refused.value.user_message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7 not a picture at all" * 10, RefusalReason.NOT_MEDIA),
        (png_bomb(30000, 30000), RefusalReason.TOO_MANY_PIXELS),
        (media.wav(0.5, 1), RefusalReason.WRONG_KIND),
        (PICTURE[: len(PICTURE) // 2], RefusalReason.DAMAGED),
        (b"", RefusalReason.EMPTY),
    ],
    ids=["not-an-image", "png-bomb", "audio-for-a-picture", "cut-short", "empty"],
)
async def test_a_bad_picture_is_refused_with_its_reason_and_nothing_is_stored(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path, data: bytes, reason: RefusalReason
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        _,
    ):
        with pytest.raises(InputRefused) as refused:
            await runtime.service.submit(with_picture(image_request(), data))
        assert await stored_counts(runtime, tmp_path) == (0, 0, [])
    assert refused.value.reason is reason
    assert isinstance(refused.value, UserFacingError)


async def test_a_file_over_input_max_bytes_is_refused_before_it_is_decoded(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds()) as (
        runtime,
        _,
    ):
        runtime.service.intake.limits = replace(runtime.service.intake.limits, max_bytes=len(PICTURE) - 1)
        with pytest.raises(InputRefused) as refused:
            await runtime.service.submit(with_picture(image_request()))
        assert await stored_counts(runtime, tmp_path) == (0, 0, [])
    assert refused.value.reason is RefusalReason.TOO_LARGE
    assert "too large" in refused.value.user_message


async def test_an_accepted_picture_is_kept_with_its_job_on_disk_and_in_the_database(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(
        database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds(), global_max_running=0
    ) as (runtime, _):
        job = (await runtime.service.submit(with_picture(image_request()))).job
        [kept] = await JobInputStore(runtime.sessions).for_job(job.id)

    assert (kept.role, kept.media, kept.mime_type) == ("image", InputMedia.IMAGE, "image/png")
    assert (kept.width, kept.height, kept.size_bytes) == (48, 32, len(PICTURE))
    assert (kept.declared_name, kept.source) == ("fox.png", InputSource.ATTACHMENT)
    assert kept.source_url == "https://cdn.discordapp.com/attachments/1/2/fox.png"
    assert kept.path.startswith(f"inputs/{job.id}/")
    assert await InputStore(tmp_path).load(PurePosixPath(kept.path), kept.sha256) == PICTURE


async def test_a_result_used_as_input_links_the_new_job_back_to_its_source(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(
        database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds(), global_max_running=0
    ) as (runtime, _):
        source = (await runtime.service.submit(with_picture(image_request()))).job
        request = with_picture(image_request(), origin="result", source_url=None, source_job_id=source.id)
        made = (await runtime.service.submit(request)).job
        [kept] = await JobInputStore(runtime.sessions).for_job(made.id)
        made_from = await JobInputStore(runtime.sessions).made_from(source.id)

    assert made.parent_id == source.id
    assert (kept.source, kept.source_job_id) == (InputSource.RESULT, source.id)
    assert made_from == (made.id,)


async def test_a_request_refused_by_the_limits_after_its_picture_was_read_leaves_no_file(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(
        database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds(), global_max_running=0
    ) as (runtime, _):
        await runtime.service.submit(with_picture(image_request()))
        runtime.service.intake.files = FailingInputStore(tmp_path)
        with pytest.raises(OSError, match="disk full"):
            await runtime.service.submit(with_picture(image_request(user_id=11), media.png(8, 8, 0x10)))
        runtime.service.intake.files = InputStore(tmp_path)
        accepted = 1
        for _ in range(40):  # until the member's queue cap refuses one, inside the transaction
            try:
                await runtime.service.submit(with_picture(image_request(user_id=12)))
            except LimitReached:
                break
            accepted += 1
        else:
            pytest.fail("the queue cap never refused a request")
        jobs, inputs, files = await stored_counts(runtime, tmp_path)

    assert jobs == inputs == len(files) == accepted  # every job has its file; the refused ones none


class FailingInputStore(InputStore):
    """Moves the file under the job's name, then fails as a full disk would: the job must not be created."""

    async def adopt(self, *args: object, **kwargs: object) -> PurePosixPath:
        await super().adopt(*args, **kwargs)  # type: ignore[arg-type]
        raise OSError("disk full")


async def test_a_submit_cancelled_while_its_job_is_created_keeps_the_jobs_file(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    """The job's transaction runs to its end though the request was cancelled (a shutdown): the job it
    created keeps its picture."""
    async with running_core(
        database_url, [fake_comfy.url], tmp_path, kinds=picture_taking_kinds(), global_max_running=0
    ) as (runtime, _):
        files = HeldInputStore(tmp_path)
        runtime.service.intake.files = files
        submitting = asyncio.ensure_future(runtime.service.submit(with_picture(image_request())))
        await files.moving.wait()
        submitting.cancel()
        files.go.set()
        with pytest.raises(asyncio.CancelledError):
            await submitting
        jobs, inputs, kept = await stored_counts(runtime, tmp_path)

    assert (jobs, inputs) == (1, 1)
    assert [path.read_bytes() for path in kept] == [PICTURE]


class HeldInputStore(InputStore):
    """Holds the move of a received file under its job's name (inside the job's transaction)."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.moving, self.go = asyncio.Event(), asyncio.Event()

    async def adopt(self, *args: object, **kwargs: object) -> PurePosixPath:
        self.moving.set()
        await self.go.wait()
        return await super().adopt(*args, **kwargs)  # type: ignore[arg-type]


def _scaled_sizes(graph: dict[str, Any] | None) -> list[tuple[int, int]]:
    assert graph is not None
    return [
        (node["inputs"]["width"], node["inputs"]["height"])
        for node in graph.values()
        if node["class_type"] == "ImageScale"
    ]


async def test_a_picture_gives_its_shape_to_a_request_that_named_none_and_a_named_one_is_kept(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        own = (await runtime.service.submit(with_picture(image_request()))).job  # a 48x32 picture: 3:2
        named = (await runtime.service.submit(with_picture(image_request(aspect_ratio="1:1")))).job
        panned = (await runtime.service.submit(with_picture(image_request(pan="left")))).job

    assert own.params.aspect_ratio == "3:2"  # type: ignore[attr-defined]
    # The whole picture, at the workflow's 512x512 pixels in multiples of 64: not cropped to a square.
    assert _scaled_sizes(own.posted_graph) == [dimensions_for(AspectRatio(3, 2), 512 * 512)] == [(640, 448)]
    assert named.params.aspect_ratio == "1:1"  # type: ignore[attr-defined]
    assert [w == h for w, h in _scaled_sizes(named.posted_graph)] == [True]
    # Panned left, the canvas is half again as wide as the picture: 9:4, the picture in two thirds of it.
    assert panned.params.aspect_ratio == "9:4"  # type: ignore[attr-defined]
    # A 768x320 canvas: the picture fills 512x320 on its right (8:5, the nearest a 64-pixel grid allows).
    assert _scaled_sizes(panned.posted_graph) == [(512, 320)]


async def test_a_pan_that_would_stretch_the_picture_too_far_is_refused_and_nothing_is_stored(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    long_picture = media.png(84, 36, 0x336699)  # 7:3: panned sideways, 7:2
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, _):
        with pytest.raises(UserFacingError) as refused:
            await runtime.service.submit(with_picture(image_request(pan="left"), long_picture))
        assert await stored_counts(runtime, tmp_path) == (0, 0, [])

    assert "more stretched than 3:1" in refused.value.user_message
