"""An image request that zooms out of or pans its given picture, bound as the job service binds it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.kinds.image import ImageParams
from core.kinds.outpaint import outpaint_refusal, panned_from_result
from tests.comfy.workflows.graphs import flux_custom_sampler, load, node
from tests.core.kinds.workflows import KINDS, builtin_templates, make_template, own_image_to_image_graph


def _txt2img() -> WorkflowTemplate:
    return next(template for template in builtin_templates() if template.name == "txt2img")


def _of_class(graph: dict[str, Any], class_type: str) -> list[dict[str, Any]]:
    return [n for n in graph.values() if n["class_type"] == class_type]


def test_zoom_out_2x_shrinks_the_given_picture_into_the_middle_of_the_requests_canvas() -> None:
    params = ImageParams(prompt="a lighthouse", seed=3, strength=0.35, zoom=2.0)

    bound = KINDS.bind(_txt2img(), params, inputs={"image"})

    graph = bound.graph
    [pad] = _of_class(graph, "ImagePadForOutpaint")
    [inpaint] = _of_class(graph, "VAEEncodeForInpaint")
    [scale] = _of_class(graph, "ImageScale")
    assert (scale["inputs"]["width"], scale["inputs"]["height"]) == (256, 256)  # the template's 512 x 512 / 2
    assert [pad["inputs"][side] for side in ("left", "top", "right", "bottom")] == [128, 128, 128, 128]
    assert inpaint["inputs"]["mask"][1] == 1  # the pad's MASK output: the new border
    assert not _of_class(graph, "VAEEncode")
    # The border is new: the sampler runs at full strength, whatever the picture it came from was made at.
    assert graph["3"]["inputs"]["denoise"] == 1.0
    assert graph["6"]["inputs"]["text"] == "a lighthouse"
    assert bound.metadata["zoom"] == 2.0
    assert bound.metadata["strength"] == 1.0
    assert (bound.metadata["width"], bound.metadata["height"]) == (512, 512)


def test_a_pan_left_keeps_the_picture_on_the_right_of_its_wider_canvas() -> None:
    # As a pan made from a square result stores it (panned_from_result): the canvas is 3:2.
    params = ImageParams(prompt="a lighthouse", seed=3, aspect_ratio="3:2", pan="left")

    bound = KINDS.bind(_txt2img(), params, inputs={"image"})

    width, height = bound.metadata["width"], bound.metadata["height"]
    assert width > height  # 3:2, about the template's area
    assert (width, height) == (640, 448)
    [pad] = _of_class(bound.graph, "ImagePadForOutpaint")
    [scale] = _of_class(bound.graph, "ImageScale")
    assert scale["inputs"]["width"] + pad["inputs"]["left"] == width
    assert (pad["inputs"]["right"], pad["inputs"]["top"], pad["inputs"]["bottom"]) == (0, 0, 0)
    assert scale["inputs"]["height"] == height
    assert bound.metadata["pan"] == "left"


def test_a_pan_down_makes_a_taller_canvas() -> None:
    params = ImageParams(prompt="x", seed=1, aspect_ratio="2:3", pan="down")
    bound = KINDS.bind(_txt2img(), params, inputs={"image"})

    [pad] = _of_class(bound.graph, "ImagePadForOutpaint")
    assert bound.metadata["height"] > bound.metadata["width"]
    assert pad["inputs"]["bottom"] > 0
    assert pad["inputs"]["top"] == 0


def test_a_workflow_that_loads_the_picture_itself_cannot_zoom_out() -> None:
    template = make_template("img2img", json.dumps(own_image_to_image_graph()), source="test")

    with pytest.raises(UserFacingError) as raised:
        KINDS.bind(template, ImageParams(prompt="x", seed=1, zoom=1.5), inputs={"image"})

    # It makes pictures at its input's size: there is no canvas size to zoom out within.
    assert raised.value.user_message == (
        "The workflow 'img2img' can't zoom out or pan: it doesn't start from an empty picture of its own "
        "size that I could give yours to."
    )
    assert outpaint_refusal(template, {"zoom"}) is not None
    assert outpaint_refusal(template, {"strength"}) is None
    assert outpaint_refusal(_txt2img(), {"pan"}) is None


def test_zoom_without_a_picture_is_refused_in_words() -> None:
    with pytest.raises(UserFacingError) as raised:
        KINDS.bind(_txt2img(), ImageParams(prompt="x", seed=1, zoom=2.0))

    assert raised.value.user_message == (
        "The workflow 'txt2img' can't zoom out or pan: it needs a picture to start from."
    )


@pytest.mark.parametrize(
    "fields",
    [{"zoom": 2.0, "pan": "left"}, {"zoom": 1.0}, {"zoom": 2.5}, {"pan": "sideways"}],
)
def test_impossible_moves_are_refused_as_parameters(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ImageParams.model_validate({"prompt": "x", **fields})


def test_a_request_that_moves_nothing_binds_as_before() -> None:
    plain = KINDS.bind(_txt2img(), ImageParams(prompt="x", seed=1), inputs={"image"})

    assert not _of_class(plain.graph, "ImagePadForOutpaint")
    assert "zoom" not in plain.metadata


def test_a_pan_from_a_result_stores_the_wider_shape_and_refuses_one_too_long() -> None:
    assert panned_from_result({"aspect_ratio": "1:1", "pan": "left"})["aspect_ratio"] == "3:2"
    assert panned_from_result({"aspect_ratio": "16:9", "pan": "up"})["aspect_ratio"] == "32:27"
    assert panned_from_result({"aspect_ratio": "1:1", "zoom": 2.0}) == {"aspect_ratio": "1:1", "zoom": 2.0}
    too_long = panned_from_result({"prompt": "x", "aspect_ratio": "21:9", "pan": "right"})
    with pytest.raises(ValidationError, match="too stretched"):
        ImageParams.model_validate(too_long)


def _hires_fix() -> WorkflowTemplate:
    """txt2img, then decode -> ImageScaleBy -> VAEEncode -> a second KSampler at denoise 0.45."""
    graph = load("txt2img_sd15_api.json")
    graph["30"] = node("ImageScaleBy", image=["8", 0], upscale_method="lanczos", scale_by=1.5)
    graph["31"] = node("VAEEncode", pixels=["30", 0], vae=["4", 2])
    graph["32"] = node("KSampler", **{**graph["3"]["inputs"], "latent_image": ["31", 0], "denoise": 0.45})
    graph["33"] = node("VAEDecode", samples=["32", 0], vae=["4", 2])
    graph["9"]["inputs"]["images"] = ["33", 0]
    return make_template("hires", json.dumps(graph), source="test")


def test_a_hires_pass_after_the_zoom_keeps_its_own_strength() -> None:
    template = _hires_fix()
    assert template.binding.strength_nodes == ("3",), "only the first pass takes a strength"

    bound = KINDS.bind(template, ImageParams(prompt="x", seed=1, zoom=2.0), inputs={"image"})

    graph = bound.graph
    assert graph["31"]["class_type"] == "VAEEncode"  # the decoded picture's encoder is left alone
    assert graph["3"]["inputs"]["denoise"] == 1.0  # the border is drawn from nothing
    assert graph["32"]["inputs"]["denoise"] == 0.45  # the hires pass refines it as it always does


def test_sdxl_base_and_refiner_zoomed_out_start_the_base_from_noise_and_keep_the_refiner() -> None:
    graph = load("sdxl_base_refiner_api.json")
    graph["10"]["inputs"]["start_at_step"] = 5  # so that 0 afterwards shows it was set
    template = make_template("sdxl", json.dumps(graph), source="test")

    bound = KINDS.bind(template, ImageParams(prompt="x", seed=1, zoom=2.0), inputs={"image"})

    assert bound.graph["10"]["inputs"]["start_at_step"] == 0
    assert bound.graph["11"]["inputs"]["start_at_step"] == 20


def test_a_flux_workflow_zoomed_out_sets_its_scheduler_to_full_strength() -> None:
    graph = flux_custom_sampler()
    graph["17"]["inputs"]["denoise"] = 0.8
    template = make_template("flux", json.dumps(graph), source="test")

    bound = KINDS.bind(template, ImageParams(prompt="x", seed=1, zoom=2.0), inputs={"image"})

    assert bound.graph["17"]["inputs"]["denoise"] == 1.0


@pytest.mark.parametrize(("ratio", "pan"), [("32:27", "up"), ("28:27", "up"), ("64:63", "up"), ("9:4", "up")])
def test_pans_of_shapes_within_3_to_1_stay_possible_in_simple_terms(ratio: str, pan: str) -> None:
    # 16:9 panned up is 32:27; up again it is 64:81 exactly, which the bot's ratios can't hold (terms over
    # 64): it is stored as the nearest that can.
    params = ImageParams.model_validate(
        panned_from_result({"prompt": "x", "aspect_ratio": ratio, "pan": pan})
    )

    width, height = (int(term) for term in params.aspect_ratio.split(":"))
    asked_width, asked_height = (int(term) for term in ratio.split(":"))
    exact = asked_width / asked_height * (1.5 if pan == "left" else 1 / 1.5)
    assert abs(width / height - exact) / exact < 0.01
