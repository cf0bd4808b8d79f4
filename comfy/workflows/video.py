"""Video vocabulary: where a graph keeps its frame count and frame rate, and the lengths models accept.

Video latents (Wan22ImageToVideoLatent, WanImageToVideo, EmptyHunyuanLatentVideo, EmptyLTXVLatentVideo)
count frames in ``length``; Stable Video Diffusion's conditioning in ``video_frames``. The frame rate is
set where frames become a video: CreateVideo, SaveWEBM, SaveAnimatedWEBP/PNG (``fps``), or a conditioning
that takes it (SVD's ``fps``, LTXV's ``frame_rate``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from comfy.workflows import graph as g
from comfy.workflows.derive import SCALE_METHOD
from comfy.workflows.input_slots import input_marker

FRAME_INPUTS = ("length", "video_frames", "num_frames", "frames")
FPS_INPUTS = ("fps", "frame_rate")
# Wan and Hunyuan encode 4 frames per latent step after the first: lengths of 4k+1 lose nothing.
FRAME_STEP = 4
# ComfyUI 0.3.64's latents with another step (their length input's ``step``): LTXV and Cosmos make
# (length - 1) // 8 + 1 latent frames, Mochi (length - 1) // 6 + 1, so a length off that grid is cut short.
FRAME_STEPS: Mapping[str, int] = {
    "EmptyLTXVLatentVideo": 8,
    "LTXVImgToVideo": 8,
    "EmptyCosmosLatentVideo": 8,
    "CosmosImageToVideoLatent": 8,
    "EmptyMochiLatentVideo": 6,
}
# Video latents and conditionings of ComfyUI 0.3.64 with an optional ``start_image`` (the first frame).
START_IMAGE_CLASSES = frozenset(
    {
        "Wan22ImageToVideoLatent",
        "WanImageToVideo",
        "WanFirstLastFrameToVideo",
        "WanFunInpaintToVideo",
        "WanFunControlToVideo",
        "WanCameraImageToVideo",
        "CosmosImageToVideoLatent",
        "CosmosPredict2ImageToVideoLatent",
    }
)
# Nodes whose file is already a video (or an animation) rather than a batch of still images.
VIDEO_SAVERS = frozenset({"SaveVideo", "SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG"})


def frame_input(node: Mapping[str, Any]) -> str | None:
    """The input holding a video latent's frame count, if it has one set to a number."""
    return next((name for name in FRAME_INPUTS if g.has_number(node, name, minimum=1)), None)


def is_video_latent(node: Mapping[str, Any]) -> bool:
    return (
        frame_input(node) is not None and g.has_number(node, "width", 1) and g.has_number(node, "height", 1)
    )


def makes_video(graph: g.Graph, latents: Iterable[str], outputs: Iterable[str]) -> bool:
    """A latent counted in frames, or an output that saves a video."""
    return any(latent in graph and is_video_latent(graph[latent]) for latent in latents) or any(
        output in graph and g.class_of(graph[output]) in VIDEO_SAVERS for output in outputs
    )


def frame_rate(graph: g.Graph, outputs: Iterable[str]) -> float | None:
    """The fps set on the outputs or the nodes feeding them (CreateVideo), else on any node that has one."""
    nearby: list[str] = []
    for output in outputs:
        nearby.append(output)
        links = g.inputs_of(graph.get(output, {})).values()
        nearby.extend(str(value[0]) for value in links if g.is_link(value))
    for node_id in [*nearby, *g.sorted_ids(graph)]:
        if node_id not in graph:
            continue
        node = graph[node_id]
        for name in FPS_INPUTS:
            if g.has_number(node, name, minimum=0.01):
                return float(g.inputs_of(node)[name])
    return None


def frame_step(graph: g.Graph, latents: Iterable[str]) -> int:
    """The frame step every one of the video latents accepts (one length is set on them all)."""
    steps = [FRAME_STEPS.get(g.class_of(graph[latent]), FRAME_STEP) for latent in latents if latent in graph]
    return math.lcm(*steps) if steps else FRAME_STEP


def frames_for(seconds: float, fps: float, step: int = FRAME_STEP) -> int:
    """The frame count nearest ``seconds`` at ``fps`` that a latent taking lengths of ``step``k+1 accepts."""
    steps = max(0, math.floor(seconds * fps / step + 0.5))
    return steps * step + 1


def seconds_of(frames: int, fps: float) -> float:
    return round(frames / fps, 2)


def takes_start_image(graph: g.Graph, latents: Iterable[str]) -> bool:
    """Every video latent can start from a picture (and none has one wired already)."""
    nodes = [graph[latent] for latent in latents if latent in graph]
    return bool(nodes) and all(
        g.class_of(node) in START_IMAGE_CLASSES and not g.is_link(g.inputs_of(node).get("start_image"))
        for node in nodes
    )


def derive_start_image(graph: dict[str, Any], latents: Iterable[str]) -> str:
    """Give the video latents a first frame: a LoadImage holding the "image" marker; returns its node id."""
    numbers = [int(node_id) for node_id in graph if node_id.isdecimal()]
    loader = str(max(numbers, default=0) + 1)
    graph[loader] = {
        "class_type": "LoadImage",
        "inputs": {"image": input_marker("image")},
        "_meta": {"title": "First frame given"},
    }
    for latent in latents:
        graph[latent]["inputs"]["start_image"] = [loader, 0]
    return loader


def fit_start_images(graph: dict[str, Any], latents: Iterable[str]) -> tuple[str, ...]:
    """Bring a picture loaded straight into a video latent's ``start_image`` to the latent's size first:
    an ImageScale (lanczos, centre crop) between the LoadImage and the latent; returns the ImageScale ids.

    The video nodes of ComfyUI 0.3.64 fit their start_image themselves, but bilinearly without
    antialiasing, so a 4000x3000 photo brought down to 1088x832 comes out jagged; lanczos keeps it clean
    and the node's own fit then has nothing left to do. A picture the graph already resizes is left alone.
    """
    ids = g.fresh_ids(graph)
    scalers: dict[tuple[str, int, int], str] = {}
    for latent in latents:
        node = graph.get(latent)
        if node is None or not is_video_latent(node):
            continue
        inputs = node["inputs"]
        link = inputs.get("start_image")
        if not g.is_link(link) or link[1] != 0 or g.class_of(graph.get(str(link[0]), {})) != "LoadImage":
            continue
        width, height = int(inputs["width"]), int(inputs["height"])
        key = (str(link[0]), width, height)
        if key not in scalers:
            scalers[key] = next(ids)
            graph[scalers[key]] = g.new_node(
                "ImageScale",
                "First frame to the video's size",
                image=[key[0], 0],
                upscale_method=SCALE_METHOD,
                width=width,
                height=height,
                crop="center",
            )
        inputs["start_image"] = [scalers[key], 0]
    return tuple(scalers.values())
