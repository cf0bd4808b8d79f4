"""Animate on an image result: that picture becomes the first frame of a video with the picture's prompt."""

from __future__ import annotations

from pathlib import Path

from core.jobs.derived import MadeFrom, ResultAction
from tests.core.kinds.workflows import first_frame
from tests.discord_emulator.layout import texts
from tests.e2e.harness import job_state, running_world
from tests.e2e.media_support import PICTURE, posted_graph
from tests.e2e.result_support import (
    assert_started_from,
    first_result,
    labels,
    linked,
    made_from_click,
    message_of,
)


async def test_animate_makes_a_video_starting_from_that_image(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        assert "Animate" in labels(result)
        click = await world.emu.click_button(result, f"res:animate:{original.id}:0", world.alice)
        message, job = await made_from_click(world, click)
        graph = posted_graph(world)

    assert job_state(message) == "done"
    assert job.kind == "video"
    assert job.params.prompt == "a paper boat"  # type: ignore[attr-defined]
    await assert_started_from(world, job, original, artifact)
    assert MadeFrom.read(job.seed_document) == MadeFrom(
        original.id, ResultAction.ANIMATE, message=message_of(result)
    )
    first_frame(graph, "55")  # the picture, scaled to the video's size
    assert f"Animate of {linked(original.id, result)}" in texts(message)[0]
    assert [a.content_type for a in message.attachments if a.filename.endswith(".mp4")] == ["video/mp4"]


async def test_one_of_several_images_is_animated_from_the_select(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, artifacts = await first_result(world, {"count": 2})
        chosen = await world.emu.select_option(result, f"res:more:{original.id}", ["animate:1"], world.alice)
        _, job = await made_from_click(world, chosen)

    assert job.kind == "video"
    await assert_started_from(world, job, original, artifacts[1])
    assert MadeFrom.read(job.seed_document) == MadeFrom(
        original.id, ResultAction.ANIMATE, 1, 2, message_of(result)
    )


async def test_an_upscale_is_animated_with_the_prompt_of_the_picture_it_enlarges(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world, {"prompt": "a paper boat --ar 3:2"})
        upscale_click = await world.emu.click_button(result, f"res:upscale:{original.id}:0", world.alice)
        upscaled, upscale = await made_from_click(world, upscale_click)
        animated_click = await world.emu.click_button(upscaled, f"res:animate:{upscale.id}:0", world.alice)
        animated, video = await made_from_click(world, animated_click)
        attached = {"image": ("cat.png", PICTURE, "image/png")}
        own = await world.wait_for_final(await world.slash("upscale", {}, attachments=attached))

    assert job_state(animated) == "done"
    assert video.params.prompt == "a paper boat", "not its factor, 2"  # type: ignore[attr-defined]
    assert "Animate" not in labels(own), "an upscale of a file has no words to animate with"
    assert "Upscale" in labels(own)
