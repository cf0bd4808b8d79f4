"""Zoom Out and Pan of a picture: the fields an image request takes to ask for them, and the binding.

A request with ``zoom`` (over 1, at most 2) or ``pan`` (a direction) starts from its given picture and
draws around it (comfy.workflows.outpaint): zoomed out, the picture shrinks in the middle of a canvas of the
request's shape; panned, the picture keeps the other side of a canvas whose shape is half again as wide (or
tall) as the picture's. The canvas keeps the workflow's pixel count (what its model draws best), so a pan
draws the picture a little smaller. Every other parameter (prompt, style, model...) works as for any image:
a Zoom Out of a result keeps its prompt, as Midjourney's does. The samplers that draw the border run at full
strength; a later pass (a hires fix) keeps its own.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Self

from pydantic import BaseModel, Field, model_validator

from comfy.workflows.aspect import AspectRatio

# The front-end's Custom Zoom form names how far out a zoom may go: it takes it from here.
from comfy.workflows.outpaint import MAX_ZOOM as MAX_ZOOM
from comfy.workflows.outpaint import (
    PAN_DIRECTIONS,
    CannotOutpaint,
    PanDirection,
    outpaint,
    panned_ratio,
    placement,
    samplers_starting_from,
)
from comfy.workflows.strength import set_strength, strength_nodes
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.texts import InvalidValue, Text

# A picture made from this one's result is not zoomed out or panned again (KindSpec.made_once).
OUTPAINT_FIELDS = frozenset({"zoom", "pan"})
# The border is drawn from nothing, so nothing of the latent it starts from may be kept.
OUTPAINT_STRENGTH = 1.0


class OutpaintFields(BaseModel):
    """Parameters of a kind whose pictures can be zoomed out of or panned."""

    # None: not zoomed out; 2 shows the picture at half its size in the middle of the canvas.
    zoom: float | None = Field(default=None, gt=1.0, le=MAX_ZOOM, allow_inf_nan=False)
    # None: not panned; with a pan the request's aspect ratio is the canvas's (`panned_from_result`).
    pan: PanDirection | None = None

    @model_validator(mode="after")
    def _one_move(self) -> Self:
        if self.zoom is not None and self.pan is not None:
            raise InvalidValue(Text("value.zoom_and_pan", "zoom out or pan, not both at once"))
        return self

    @property
    def outpaints(self) -> bool:
        return self.zoom is not None or self.pan is not None


def panned_from_result(document: dict[str, Any]) -> dict[str, Any]:
    """A pan made from a result: the result's shape half again as wide (or tall), stored as the new job's
    aspect ratio, so its message, a reroll and what is made from it all see the real shape. A shape already
    too long to pan that way is then refused with the aspect ratio's own reason (and not offered)."""
    pan, ratio = document.get("pan"), document.get("aspect_ratio")
    if pan not in PAN_DIRECTIONS or not isinstance(ratio, str):
        return document
    try:
        shape = AspectRatio.parse(ratio)
    except ValueError:
        return document  # refused as the aspect ratio it is
    return {**document, "aspect_ratio": str(panned_ratio(shape, pan))}


def outpaint_refusal(template: WorkflowTemplate, fields: Collection[str]) -> UserFacingError | None:
    """Why ``template`` can't take the parameters an action sets (a zoom, a pan), or None."""
    if OUTPAINT_FIELDS.intersection(fields) and not can_outpaint(template):
        return cannot_outpaint(template)
    return None


def can_outpaint(template: WorkflowTemplate) -> bool:
    """Whether the workflow makes pictures of a size of its own (the canvas) and is given the picture by
    derivation (core.kinds.image): a workflow that loads the picture itself makes its size, or uses it
    for something else (a ControlNet)."""
    binding = template.binding
    return bool(binding.base_width and binding.base_height) and "image" not in binding.input_nodes


def apply_outpaint(
    template: WorkflowTemplate, graph: dict[str, Any], params: OutpaintFields, metadata: dict[str, Any]
) -> bool:
    """Once the picture is in place: its encoders made to zoom out or pan (a request that asks for it), and
    the samplers that start from them set to full strength. True when it did (the strength is set)."""
    if not params.outpaints:
        return False
    width, height = metadata.get("width"), metadata.get("height")
    if not isinstance(width, int) or not isinstance(height, int) or not can_outpaint(template):
        raise cannot_outpaint(template)
    try:
        encoders = outpaint(graph, placement(width, height, zoom=params.zoom, pan=params.pan))
    except CannotOutpaint as error:
        raise _no_picture(template) from error
    samplers = samplers_starting_from(graph, encoders, template.binding.sampler_nodes)
    drawing = strength_nodes(graph, tuple(samplers))
    if drawing:
        set_strength(graph, drawing, OUTPAINT_STRENGTH)
        metadata["strength"] = OUTPAINT_STRENGTH
    if params.zoom is not None:
        metadata["zoom"] = params.zoom
    if params.pan is not None:
        metadata["pan"] = params.pan
    return True


def cannot_outpaint(template: WorkflowTemplate) -> UserFacingError:
    return UserFacingError(
        Text(
            "outpaint.cannot",
            f"The workflow '{template.title}' can't zoom out or pan: it doesn't start from an empty "
            "picture of its own size that I could give yours to.",
            {"workflow": template.title},
        )
    )


def _no_picture(template: WorkflowTemplate) -> UserFacingError:
    return UserFacingError(
        Text(
            "outpaint.no_picture",
            f"The workflow '{template.title}' can't zoom out or pan: it needs a picture to start from.",
            {"workflow": template.title},
        )
    )
