"""Zoom Out and Pan: the picture a workflow starts from, made smaller or moved aside on a canvas of the size
the workflow makes, and the canvas's empty border drawn by the samplers (outpainting).

Once the picture is in place (a LoadImage feeding a ``VAEEncode``, the workflow's own or derived from a
txt2img one), each such encoder becomes ComfyUI's own outpainting chain:
``ImageScale (to the picture's place) -> ImagePadForOutpaint -> VAEEncodeForInpaint``. The pad's mask marks
the new border; the inpainting encoder blanks it (grown a little into the picture, so the seam is redrawn)
and the samplers, at full strength, draw it to fit the picture and the prompt. Any checkpoint can do it; an
inpainting one does it best.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from comfy.workflows import graph as g
from comfy.workflows.aspect import AspectRatio

PanDirection = Literal["left", "right", "up", "down"]
PAN_DIRECTIONS: tuple[PanDirection, ...] = ("left", "right", "up", "down")
MAX_ZOOM = 2.0
# A pan widens the canvas by half the picture in its direction (the picture keeps two thirds of it).
PAN_GROWTH = 1.5
# The pixel multiple VAEs work in: the inpainting encoder crops anything else away.
PIXEL_MULTIPLE = 8
# How far the mask is grown into the picture, so the samplers redraw the seam rather than leave an edge.
GROW_MASK_BY = 8
# The pad's feathering: the picture's edge fades into the new border over this many pixels at most.
MAX_FEATHERING = 40
# Nodes that only resize a picture on its way from its loader to an encoder.
_RESIZERS = frozenset({"ImageScale", "ImageScaleBy", "ImageScaleToTotalPixels", "ImageUpscaleWithModel"})


class CannotOutpaint(ValueError):
    """The workflow has no picture encoded for its samplers to zoom out of or pan."""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the picture goes on the canvas: its size there and the border on each side, in pixels."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int


def panned_ratio(ratio: AspectRatio, pan: PanDirection) -> AspectRatio:
    """The canvas's shape for a pan: ``ratio`` half again as wide (left, right) or as tall (up, down), in
    the nearest shape the bot takes (a 16:9 panned up twice is 64:81, near enough 49:62)."""
    if pan in ("left", "right"):
        return AspectRatio.nearest(Fraction(ratio.width * 3, ratio.height * 2))
    return AspectRatio.nearest(Fraction(ratio.width * 2, ratio.height * 3))


def placement(width: int, height: int, *, zoom: float | None, pan: PanDirection | None) -> Placement:
    """The picture on a ``width`` x ``height`` canvas: ``zoom`` times smaller in its middle, or (``pan``)
    filling all but the new third on that side."""
    if pan is not None:
        if pan in ("left", "right"):
            inner = _multiple(width / PAN_GROWTH)
            border = width - inner
            left, right = (border, 0) if pan == "left" else (0, border)
            return Placement(inner, height, left, 0, right, 0)
        inner = _multiple(height / PAN_GROWTH)
        border = height - inner
        top, bottom = (border, 0) if pan == "up" else (0, border)
        return Placement(width, inner, 0, top, 0, bottom)
    if zoom is None or not 1.0 < zoom <= MAX_ZOOM:
        raise ValueError(f"zoom {zoom} is not above 1 and at most {MAX_ZOOM}")
    # Always smaller, if only by one step: a zoom so slight it rounds away would draw nothing new.
    inner_width = min(_multiple(width / zoom), width - PIXEL_MULTIPLE)
    inner_height = min(_multiple(height / zoom), height - PIXEL_MULTIPLE)
    left = _multiple((width - inner_width) / 2, floor=True)
    top = _multiple((height - inner_height) / 2, floor=True)
    return Placement(
        inner_width, inner_height, left, top, width - inner_width - left, height - inner_height - top
    )


def outpaint(graph: dict[str, Any], place: Placement) -> tuple[str, ...]:
    """Turn every encoder of the loaded picture into the outpainting chain; their ids (kept).

    CannotOutpaint when there is none (a workflow that starts from an empty latent and was not given the
    picture, or encodes it some other way)."""
    encoders = [i for i in g.sorted_ids(graph) if _encodes_loaded_picture(graph, i)]
    if not encoders:
        raise CannotOutpaint("no picture from a LoadImage is encoded for its samplers")
    ids = g.fresh_ids(graph)
    feathering = min(MAX_FEATHERING, min(place.width, place.height) // 8)
    for encoder_id in encoders:
        inputs = graph[encoder_id]["inputs"]
        scaled = _scaled_to(graph, inputs["pixels"], place, ids)
        padded = next(ids)
        graph[padded] = g.new_node(
            "ImagePadForOutpaint",
            "Picture on the larger canvas",
            image=[scaled, 0],
            left=place.left,
            top=place.top,
            right=place.right,
            bottom=place.bottom,
            feathering=feathering,
        )
        # The encoder keeps its id, so every link that read its latent reads the inpainting one's.
        graph[encoder_id] = g.new_node(
            "VAEEncodeForInpaint",
            "Canvas to latent, border blank",
            pixels=[padded, 0],
            vae=inputs["vae"],
            mask=[padded, 1],
            grow_mask_by=GROW_MASK_BY,
        )
    return tuple(encoders)


def samplers_starting_from(graph: g.Graph, encoders: tuple[str, ...], samplers: tuple[str, ...]) -> list[str]:
    """The samplers whose latent comes from one of ``encoders`` with no sampler between (through a
    RepeatLatentBatch, say): those that draw the border. A later pass (a hires fix re-encoding the decoded
    picture) starts from its own encoder and is not among them."""
    found = []
    for sampler_id in samplers:
        if sampler_id not in graph:
            continue
        for source in g.latent_upstream(graph, sampler_id):
            if g.is_sampler(graph[source]):
                break  # a later pass, drawing on what that sampler made
            if source in encoders:
                found.append(sampler_id)
                break
    return found


def _encodes_loaded_picture(graph: Mapping[str, Any], node_id: str) -> bool:
    node = graph[node_id]
    if g.class_of(node) != "VAEEncode" or not g.is_link(g.inputs_of(node).get("vae")):
        return False
    source = g.linked_node(graph, node_id, "pixels")
    seen: set[str] = set()
    while source is not None and source not in seen and g.class_of(graph[source]) in _RESIZERS:
        seen.add(source)
        source = g.linked_node(graph, source, "image")
    return source is not None and g.class_of(graph[source]) == "LoadImage"


def _scaled_to(graph: dict[str, Any], pixels: list[Any], place: Placement, ids: Iterator[str]) -> str:
    """The node giving the picture at its size on the canvas: the ImageScale already there (a derived
    workflow's, to the latent's size) set to it, or a new one."""
    source = str(pixels[0])
    if g.class_of(graph[source]) == "ImageScale":
        inputs = graph[source]["inputs"]
        inputs["width"], inputs["height"], inputs["crop"] = place.width, place.height, "center"
        return source
    scaled = next(ids)
    graph[scaled] = g.new_node(
        "ImageScale",
        "Picture to its place on the canvas",
        image=list(pixels),
        upscale_method="lanczos",
        width=place.width,
        height=place.height,
        crop="center",
    )
    return scaled


def _multiple(size: float, *, floor: bool = False) -> int:
    steps = size / PIXEL_MULTIPLE
    rounded = int(steps) if floor else int(steps + 0.5)
    return max(PIXEL_MULTIPLE if not floor else 0, rounded * PIXEL_MULTIPLE)
