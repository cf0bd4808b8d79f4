"""Zoom Out and Pan as graph surgery: where the picture goes on the canvas, and the outpainting chain."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comfy.workflows.aspect import AspectRatio
from comfy.workflows.derive import derive_image_input
from comfy.workflows.outpaint import (
    GROW_MASK_BY,
    CannotOutpaint,
    Placement,
    outpaint,
    panned_ratio,
    placement,
    samplers_starting_from,
)
from tests.comfy.workflows.graphs import load, node


def test_zoom_out_2x_puts_the_picture_at_half_size_in_the_middle() -> None:
    assert placement(512, 512, zoom=2.0, pan=None) == Placement(256, 256, 128, 128, 128, 128)


def test_zoom_out_1_5x_keeps_every_side_a_multiple_of_8_and_the_canvas_whole() -> None:
    place = placement(512, 768, zoom=1.5, pan=None)

    assert (place.width, place.height) == (344, 512)  # 341.3 and 512, to the nearest multiple of 8
    assert (place.left, place.right, place.top, place.bottom) == (80, 88, 128, 128)


@pytest.mark.parametrize(
    ("pan", "expected"),
    [
        ("left", Placement(512, 512, 256, 0, 0, 0)),
        ("right", Placement(512, 512, 0, 0, 256, 0)),
    ],
)
def test_a_sideways_pan_keeps_the_picture_on_the_far_side_of_a_wider_canvas(
    pan: str, expected: Placement
) -> None:
    assert placement(768, 512, zoom=None, pan=pan) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pan", "expected"),
    [("up", Placement(512, 512, 0, 256, 0, 0)), ("down", Placement(512, 512, 0, 0, 0, 256))],
)
def test_an_upward_or_downward_pan_adds_a_third_of_the_canvas_on_that_side(
    pan: str, expected: Placement
) -> None:
    assert placement(512, 768, zoom=None, pan=pan) == expected  # type: ignore[arg-type]


def test_a_pan_makes_the_shape_half_again_as_wide_or_as_tall() -> None:
    assert panned_ratio(AspectRatio(1, 1), "left") == AspectRatio(3, 2)
    assert panned_ratio(AspectRatio(16, 9), "down") == AspectRatio(32, 27)
    # 64:81 exactly, but a ratio's terms stop at 64: the nearest that fits (0.7903 for 0.7901).
    assert panned_ratio(AspectRatio(32, 27), "up") == AspectRatio(49, 62)


@pytest.mark.parametrize("zoom", [None, 1.0, 0.5, 2.5])
def test_a_zoom_that_is_no_zoom_out_is_refused(zoom: float | None) -> None:
    with pytest.raises(ValueError, match="zoom"):
        placement(512, 512, zoom=zoom, pan=None)


@given(
    width=st.integers(1, 32).map(lambda n: n * 64),
    height=st.integers(1, 32).map(lambda n: n * 64),
    zoom=st.floats(1.01, 2.0),
)
def test_any_zoom_fills_the_canvas_exactly_in_multiples_of_8(width: int, height: int, zoom: float) -> None:
    place = placement(width, height, zoom=zoom, pan=None)

    assert place.width + place.left + place.right == width
    assert place.height + place.top + place.bottom == height
    sides = (place.width, place.height, place.left, place.top, place.right, place.bottom)
    assert all(side % 8 == 0 and side >= 0 for side in sides)
    assert 0 < place.width < width  # something new on every side
    assert 0 < place.height < height


def _derived_txt2img() -> dict[str, Any]:
    graph = load("txt2img_sd15_api.json")
    derive_image_input(graph, ("5",))
    return graph


def test_a_derived_image_to_image_graph_gets_the_outpainting_chain_in_its_encoders_place() -> None:
    graph = _derived_txt2img()
    [encoder] = [i for i, n in graph.items() if n["class_type"] == "VAEEncode"]
    vae = graph[encoder]["inputs"]["vae"]
    readers_before = {i: dict(n["inputs"]) for i, n in graph.items()}

    assert outpaint(graph, Placement(256, 256, 128, 128, 128, 128)) == (encoder,)

    inpaint = graph[encoder]
    assert inpaint["class_type"] == "VAEEncodeForInpaint"
    pad_id, _ = inpaint["inputs"]["pixels"]
    assert inpaint["inputs"]["mask"] == [pad_id, 1]
    assert (inpaint["inputs"]["vae"], inpaint["inputs"]["grow_mask_by"]) == (vae, GROW_MASK_BY)
    pad = graph[pad_id]["inputs"]
    assert (pad["left"], pad["top"], pad["right"], pad["bottom"]) == (128, 128, 128, 128)
    scale = graph[pad["image"][0]]
    assert scale["class_type"] == "ImageScale"
    assert (scale["inputs"]["width"], scale["inputs"]["height"]) == (256, 256)
    assert graph[scale["inputs"]["image"][0]]["class_type"] == "LoadImage"
    # Whatever read the encoder's latent reads the inpainting one's: the sampler's link is as it was.
    assert graph["3"]["inputs"]["latent_image"] == readers_before["3"]["latent_image"]


def test_a_workflow_encoding_its_loaded_picture_directly_gets_a_scale_of_its_own() -> None:
    graph = load("txt2img_sd15_api.json")
    del graph["5"]
    graph["10"] = node("LoadImage", image="bot-input:image")
    graph["11"] = node("VAEEncode", pixels=["10", 0], vae=["4", 2])
    graph["3"]["inputs"]["latent_image"] = ["11", 0]

    outpaint(graph, Placement(344, 512, 80, 128, 88, 128))

    pad = graph[graph["11"]["inputs"]["pixels"][0]]
    scale = graph[pad["inputs"]["image"][0]]
    assert (scale["class_type"], scale["inputs"]["image"]) == ("ImageScale", ["10", 0])
    assert (scale["inputs"]["width"], scale["inputs"]["height"], scale["inputs"]["crop"]) == (
        344,
        512,
        "center",
    )
    assert pad["inputs"]["feathering"] == 40


def test_only_encoders_of_a_loaded_picture_change() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["20"] = node("EmptyImage", width=64, height=64, batch_size=1, color=0)
    graph["21"] = node("VAEEncode", pixels=["20", 0], vae=["4", 2])

    with pytest.raises(CannotOutpaint):
        outpaint(graph, Placement(256, 256, 128, 128, 128, 128))
    assert graph["21"]["class_type"] == "VAEEncode"


def test_the_samplers_drawing_the_border_are_those_that_start_from_the_new_encoders() -> None:
    graph = _derived_txt2img()
    [encoder] = [i for i, n in graph.items() if n["class_type"] == "VAEEncode"]
    graph["30"] = node("VAEEncode", pixels=["8", 0], vae=["4", 2])  # a hires pass re-encoding the result
    graph["32"] = node("KSampler", **{**graph["3"]["inputs"], "latent_image": ["30", 0], "denoise": 0.45})

    encoders = outpaint(graph, Placement(256, 256, 128, 128, 128, 128))

    assert encoders == (encoder,)
    assert samplers_starting_from(graph, encoders, ("3", "32")) == ["3"]
