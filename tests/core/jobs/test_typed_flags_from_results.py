"""Flags typed for a job made from a result (a Remix's or Custom Zoom's prompt), read as /imagine does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.runtime import CoreRuntime
from core.errors import UserFacingError
from core.jobs.derived import ResultAction
from core.jobs.policy import Requester
from tests.core.jobs.harness import image_request, running_core, wait_delivered
from tests.fakes.comfyui import FakeComfyUI

ALICE = Requester(user_id=10, channel_id=101)


async def _a_result(runtime: CoreRuntime, observer: Any) -> int:
    """A finished, delivered image job of "a red fox": its id."""
    first = await runtime.service.submit(image_request(prompt="a red fox"))
    await observer.final(first.job.id)
    await wait_delivered(runtime, first.job.id)
    return first.job.id


async def test_a_pan_flag_in_a_custom_zoom_is_refused_naming_the_flag_not_a_document(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        first = await _a_result(runtime, observer)
        refusals = []
        for action, text, changes in (
            (ResultAction.ZOOM_CUSTOM, "a red fox --pan left", {"zoom": 1.5}),  # the form's zoom, and a pan
            (ResultAction.REMIX, "a red fox --zoom 2 --pan left", {}),
        ):
            with pytest.raises(UserFacingError) as refused:
                await runtime.results.request(
                    action, first, 0, guild_id=1, requester=ALICE, text=text, changes=changes
                )
            refusals.append(refused.value.user_message)

    # Named as typed, as /imagine names it; not as "document" (none was given).
    for said in refusals:
        assert "--pan" in said, said
        assert "document" not in said, said


async def test_an_aspect_ratio_typed_with_a_pan_in_a_remix_is_the_canvas_as_in_imagine(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    # As in /imagine, a named shape is the canvas (core/kinds/picture_shape.py): not widened again to 8:3.
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        first = await _a_result(runtime, observer)
        remixed = await runtime.results.request(
            ResultAction.REMIX,
            first,
            0,
            guild_id=1,
            requester=ALICE,
            text="a fox --ar 16:9 --pan left",
        )

    assert (remixed.params.pan, remixed.params.aspect_ratio) == ("left", "16:9")  # type: ignore[attr-defined]


async def test_a_zoom_flag_in_a_remix_keeps_no_strength_as_the_zoom_buttons_do(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    # The border is drawn at full strength whatever the form's says (apply_outpaint): the Zoom Out button
    # keeps none, and so does a Remix with --zoom, so no message shows a strength nothing was drawn at.
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        first = await _a_result(runtime, observer)
        button = await runtime.results.request(
            ResultAction.ZOOM_OUT_2X, first, 0, guild_id=1, requester=ALICE
        )
        typed = await runtime.results.request(
            ResultAction.REMIX,
            first,
            0,
            guild_id=1,
            requester=ALICE,
            text="a red fox --zoom 2",
            strength=0.7,
        )

    assert button.params.strength is None  # type: ignore[attr-defined]
    assert (typed.params.zoom, typed.params.strength) == (2.0, None)  # type: ignore[attr-defined]


async def test_a_zoom_flag_in_a_custom_zoom_prompt_is_refused_as_given_twice(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data") as (runtime, observer):
        first = await _a_result(runtime, observer)
        with pytest.raises(UserFacingError) as refused:
            await runtime.results.request(
                ResultAction.ZOOM_CUSTOM,
                first,
                0,
                guild_id=1,
                requester=ALICE,
                text="a red fox --zoom 1.2",
                changes={"zoom": 1.5},
            )

    assert (
        refused.value.user_message == "Please fix --zoom: is in the form already; leave it out of the prompt"
    )
