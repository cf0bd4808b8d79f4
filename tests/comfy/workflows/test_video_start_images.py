"""A picture loaded straight into a video latent's start_image is scaled to the latent's size first."""

from __future__ import annotations

from typing import Any

from comfy.workflows.video import fit_start_images
from tests.comfy.workflows.graphs import node


def wan(start: list[Any] | None, width: int = 736, height: int = 544) -> dict[str, Any]:
    inputs: dict[str, Any] = {"vae": ["39", 0], "width": width, "height": height, "length": 81}
    if start is not None:
        inputs["start_image"] = start
    return node("WanImageToVideo", **inputs)


def test_a_loaded_picture_is_scaled_with_lanczos_and_cropped_to_the_latents_size() -> None:
    graph = {"62": node("LoadImage", image="cat.png"), "50": wan(["62", 0])}

    (scaler,) = fit_start_images(graph, ["50"])

    assert scaler == "63"
    assert graph["50"]["inputs"]["start_image"] == ["63", 0]
    assert graph["63"]["class_type"] == "ImageScale"
    assert graph["63"]["inputs"] == {
        "image": ["62", 0], "upscale_method": "lanczos", "width": 736, "height": 544, "crop": "center",
    }  # fmt: skip


def test_latents_of_one_size_share_one_scaled_picture() -> None:
    graph = {"62": node("LoadImage", image="cat.png"), "50": wan(["62", 0]), "51": wan(["62", 0])}

    (scaler,) = fit_start_images(graph, ["50", "51"])

    assert graph["50"]["inputs"]["start_image"] == graph["51"]["inputs"]["start_image"] == [scaler, 0]


def test_a_picture_the_graph_resizes_itself_or_no_picture_is_left_alone() -> None:
    own = node("ImageScale", image=["62", 0], upscale_method="area", width=640, height=480, crop="disabled")
    graph = {"62": node("LoadImage", image="cat.png"), "70": own, "50": wan(["70", 0]), "51": wan(None)}
    before = {key: dict(value["inputs"]) for key, value in graph.items()}

    assert fit_start_images(graph, ["50", "51"]) == ()
    assert {key: value["inputs"] for key, value in graph.items()} == before
