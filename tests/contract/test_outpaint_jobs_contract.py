"""Zoom Out and Pan, bound as a job binds them from the built-in txt2img, run on ComfyUI: the canvas comes
back at the size the job says, several pictures at once included (the inpainting latent repeated).

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set.
"""

from __future__ import annotations

import pytest

from comfy.client import ComfyClient
from core.kinds import ImageParams
from tests.contract.conftest import RANDOM_SD15
from tests.contract.test_media_workflows_contract import (
    KINDS,
    client,
    run_bound,
    size_and_corner,
    tiny_txt2img,
)
from tests.fakes.comfyui import media

pytestmark = [pytest.mark.contract, pytest.mark.checkpoint(RANDOM_SD15)]
__all__ = ["client"]  # the fixture, shared with the media workflows' contract


async def test_zoom_out_2x_of_two_pictures_comes_back_at_the_canvas_size(client: ComfyClient) -> None:
    params = ImageParams(prompt="a grey wall", seed=5, count=2, zoom=2.0)
    bound = KINDS.bind(tiny_txt2img(), params, inputs=["image"], filename_prefix="contract/zoom")
    classes = {node["class_type"] for node in bound.graph.values()}
    assert {"ImagePadForOutpaint", "VAEEncodeForInpaint", "RepeatLatentBatch"} <= classes

    saved = await run_bound(client, bound.graph, media.png(64, 64, 0x808080))

    assert [size_and_corner(data)[0] for data in saved] == [(64, 64), (64, 64)]


async def test_pan_left_comes_back_wider_than_the_square_it_started_from(client: ComfyClient) -> None:
    template = tiny_txt2img(256)
    bound = KINDS.bind(
        template,
        ImageParams(prompt="a grey wall", seed=5, aspect_ratio="3:2", pan="left"),
        inputs=["image"],
        filename_prefix="c/pan",
    )
    assert (bound.metadata["width"], bound.metadata["height"]) == (320, 192)

    [saved] = await run_bound(client, bound.graph, media.png(64, 64, 0x808080))

    assert size_and_corner(saved)[0] == (320, 192)


async def test_a_given_4_3_picture_zoomed_out_comes_back_in_its_own_shape(client: ComfyClient) -> None:
    params = KINDS.fit_to_picture(ImageParams(prompt="a grey wall", seed=5, zoom=1.5), 96, 72)
    assert params.aspect_ratio == "4:3"  # type: ignore[attr-defined]
    bound = KINDS.bind(tiny_txt2img(256), params, inputs=["image"], filename_prefix="c/fitted")
    size = (bound.metadata["width"], bound.metadata["height"])
    assert size[0] > size[1]

    [saved] = await run_bound(client, bound.graph, media.png(96, 72, 0x808080))

    assert size_and_corner(saved)[0] == size
