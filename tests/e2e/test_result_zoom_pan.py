"""Zoom Out and Pan on an image result: the same prompt drawn around that picture, as Midjourney's buttons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.errors import UserFacingError
from core.jobs.derived import MadeFrom, ResultAction
from core.jobs.policy import Requester
from tests.discord_emulator.layout import texts
from tests.e2e.harness import job_state, running_world
from tests.e2e.media_support import PICTURE, own_image_to_image, posted_graph
from tests.e2e.result_support import (
    assert_started_from,
    first_result,
    labels,
    linked,
    made_from_click,
    message_of,
    modal_values,
)
from tests.e2e.test_result_action_refusals import assert_refused_privately


def _of_class(graph: dict[str, Any], class_type: str) -> list[dict[str, Any]]:
    return [n for n in graph.values() if n["class_type"] == class_type]


async def test_zoom_out_2x_draws_around_the_picture_at_the_same_size(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        assert {"Zoom Out 2x", "Zoom Out 1.5x", "Pan left", "Pan right", "Pan up", "Pan down"} <= set(
            labels(result)
        )
        click = await world.emu.click_button(result, f"res:zoom2:{original.id}:0", world.alice)
        message, job = await made_from_click(world, click)
        graph = posted_graph(world)
        _, [zoomed] = await world.delivered(job.id)

    assert job_state(message) == "done"
    assert (job.kind, job.params.zoom, job.params.pan) == ("image", 2.0, None)  # type: ignore[attr-defined]
    assert job.params.prompt == "a paper boat"  # type: ignore[attr-defined]
    assert job.seed != original.seed
    await assert_started_from(world, job, original, artifact)
    assert MadeFrom.read(job.seed_document) == MadeFrom(
        original.id, ResultAction.ZOOM_OUT_2X, message=message_of(result)
    )
    [pad] = _of_class(graph, "ImagePadForOutpaint")
    [inpaint] = _of_class(graph, "VAEEncodeForInpaint")
    assert inpaint["inputs"]["mask"][1] == 1
    assert pad["inputs"]["left"] == pad["inputs"]["right"] > 0
    assert (zoomed.width, zoomed.height) == (artifact.width, artifact.height)
    assert f"Zoom Out 2x of {linked(original.id, result)}" in texts(message)[0]


async def test_pan_left_makes_a_wider_picture_with_the_old_one_on_its_right(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        click = await world.emu.click_button(result, f"res:panleft:{original.id}:0", world.alice)
        message, job = await made_from_click(world, click)
        graph = posted_graph(world)
        _, [panned] = await world.delivered(job.id)

    assert job_state(message) == "done"
    assert job.params.pan == "left"  # type: ignore[attr-defined]
    # The job keeps the shape it made, so its message, a reroll and what is made from it see it.
    assert job.params.aspect_ratio == "3:2"  # type: ignore[attr-defined]
    assert "was asked" not in texts(message)[0]
    [pad] = _of_class(graph, "ImagePadForOutpaint")
    assert pad["inputs"]["left"] > 0
    assert pad["inputs"]["right"] == 0
    assert artifact.width is not None
    assert panned.width is not None
    assert panned.height is not None
    assert panned.width > panned.height  # the result was square: the canvas grew sideways
    assert f"Pan left of {linked(original.id, result)}" in texts(message)[0]


async def test_one_of_four_images_is_zoomed_out_from_the_zoom_and_pan_select(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, artifacts = await first_result(world, {"count": 4})
        chosen = await world.emu.select_option(result, f"res:moves:{original.id}", ["zoom2:3"], world.alice)
        message, job = await made_from_click(world, chosen)
        # What is made from the zoomed-out picture is not zoomed out again.
        _, zoomed = await world.delivered(job.id)
        vary = await world.emu.click_button(message, f"res:strong:{job.id}:0", world.alice)
        _, varied = await made_from_click(world, vary)

    assert job.params.zoom == 2.0  # type: ignore[attr-defined]
    await assert_started_from(world, job, original, artifacts[3])
    assert MadeFrom.read(job.seed_document) == MadeFrom(
        original.id, ResultAction.ZOOM_OUT_2X, 3, 4, message_of(result)
    )
    assert job.params.count == 4  # type: ignore[attr-defined]  # four new pictures, as the result had
    assert varied.params.zoom is None  # type: ignore[attr-defined]
    assert varied.params.strength == 0.7  # type: ignore[attr-defined]
    assert [z.width for z in zoomed] == [artifacts[3].width] * 4


async def test_a_workflow_that_cannot_zoom_offers_no_zoom_and_a_stale_request_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    folder = own_image_to_image(tmp_path / "workflows", "img2img")
    async with running_world(database_url, tmp_path, workflows_dir=folder) as world:
        interaction = await world.slash(
            "imagine",
            {"prompt": "a red hat", "workflow": "img2img"},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        result = await world.wait_for_final(interaction)
        job = await world.job_for(result)
        shown = labels(result)
        # A button kept from before the workflow changed, say: refused before anything is answered (a
        # refusal while deciding is the first, private answer: bot.exts._admission).
        assert result.guild_id is not None
        with pytest.raises(UserFacingError, match="can't zoom out or pan"):
            await world.runtime.results.request(
                ResultAction.PAN_UP,
                job.id,
                0,
                guild_id=result.guild_id,
                requester=Requester(user_id=world.alice.id, channel_id=result.channel_id),
            )

    assert job_state(result) == "done"
    assert "Vary (strong)" in shown
    assert not {label for label in shown if "Zoom" in label or "Pan" in label}


async def test_a_pan_result_rerolled_or_varied_keeps_its_shape_and_can_pan_on(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world, {"aspect_ratio": "16:9"})
        click = await world.emu.click_button(result, f"res:panup:{original.id}:0", world.alice)
        panned_message, panned = await made_from_click(world, click)
        _, [picture] = await world.delivered(panned.id)
        reroll = await world.emu.click_button(panned_message, f"job:reroll:{panned.id}", world.alice)
        _, rerolled = await made_from_click(world, reroll)
        _, [rerolled_picture] = await world.delivered(rerolled.id)
        vary = await world.emu.click_button(panned_message, f"res:strong:{panned.id}:0", world.alice)
        _, varied = await made_from_click(world, vary)
        _, [varied_picture] = await world.delivered(varied.id)

    assert panned.params.aspect_ratio == "32:27"  # type: ignore[attr-defined]
    assert {"Pan up", "Pan down", "Pan left"} <= set(labels(panned_message)), "it can pan on"
    assert (rerolled.params.pan, rerolled.params.aspect_ratio) == ("up", "32:27")  # type: ignore[attr-defined]
    assert (varied.params.pan, varied.params.aspect_ratio) == (None, "32:27")  # type: ignore[attr-defined]
    size = (picture.width, picture.height)
    assert (rerolled_picture.width, rerolled_picture.height) == size
    assert (varied_picture.width, varied_picture.height) == size


async def test_custom_zoom_opens_the_prompt_and_how_far_out_and_runs_what_was_typed(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        opened = await world.emu.click_button(result, f"res:zoomcustom:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        assert opened.response_type == 9, "a form"
        shown = modal_values(opened.modal)
        fields: dict[str, str | list[str]] = {"prompt": "a paper boat in a harbour", "zoom": "1,25"}
        submitted = await world.emu.submit_modal(f"zoom:{original.id}:0", fields, world.alice, world.channel)
        message, job = await made_from_click(world, submitted)
        graph = posted_graph(world)

    assert shown == {"prompt": "a paper boat", "zoom": "2"}
    assert job_state(message) == "done"
    assert (job.params.zoom, job.params.prompt) == (1.25, "a paper boat in a harbour")  # type: ignore[attr-defined]
    await assert_started_from(world, job, original, artifact)
    [pad] = _of_class(graph, "ImagePadForOutpaint")
    assert 0 < pad["inputs"]["left"] < 128  # a quarter zoom out of 512: less border than 2x's 128
    assert f"Zoom Out 1.25x of {linked(original.id, result)}" in texts(message)[0]


async def test_a_custom_zoom_out_of_range_is_refused_privately_and_stores_nothing(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        uploads, made = len(world.fake.uploads), len(world.job_messages())
        for typed in ("3", "1", "far", "2,5"):
            opened = await world.emu.click_button(result, f"res:zoomcustom:{original.id}:0", world.alice)
            await world.wait_acked(opened)
            fields: dict[str, str | list[str]] = {"prompt": "a carefully typed harbour scene", "zoom": typed}
            submitted = await world.emu.submit_modal(
                f"zoom:{original.id}:0", fields, world.alice, world.channel
            )
            await assert_refused_privately(
                world, submitted, f"Zoom out by a number over 1, up to 2, like 1.5 (not “{typed}”)"
            )
            # What the member typed is given back, to paste into the form again.
            assert "a carefully typed harbour scene" in world.emu.original_response(submitted).content
        assert len(world.fake.uploads) == uploads
        assert len(world.job_messages()) == made, "no job was made"
