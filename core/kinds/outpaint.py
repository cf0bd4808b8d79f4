"""Zoom Out and Pan of a picture: the fields an image request takes to ask for them, and the binding.

A request with ``zoom`` (over 1, at most 2) or ``pan`` (a direction) starts from its given picture and
draws around it (comfy.workflows.outpaint): zoomed out, the picture shrinks in the middle of a canvas of the
request's size; panned, the canvas is half again as wide (or tall) and the picture keeps its place on the
other side. Every other parameter (prompt, style, model, seed...) works as for any image, so a Zoom Out of
a result keeps its prompt, as Midjourney's does. The samplers run at full strength: the border is new.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, Field, model_validator

from comfy.workflows.aspect import AspectRatio, dimensions_for
from comfy.workflows.outpaint import MAX_ZOOM, CannotOutpaint, PanDirection, outpaint, panned_ratio, placement
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.texts import InvalidValue, Text

# A picture made from this one's result is not zoomed out or panned again (KindParams.made_once).
OUTPAINT_FIELDS = frozenset({"zoom", "pan"})
# The border is drawn from nothing, so nothing of the latent it starts from may be kept.
OUTPAINT_STRENGTH = 1.0


class OutpaintFields(BaseModel):
    """Parameters of a kind whose pictures can be zoomed out of or panned."""

    # None: not zoomed out; 2 shows the picture at half its size in the middle of the canvas.
    zoom: float | None = Field(default=None, gt=1.0, le=MAX_ZOOM, allow_inf_nan=False)
    pan: PanDirection | None = None

    @model_validator(mode="after")
    def _one_move(self) -> Self:
        if self.zoom is not None and self.pan is not None:
            raise InvalidValue(Text("value.zoom_and_pan", "zoom out or pan, not both at once"))
        return self

    @property
    def outpaints(self) -> bool:
        return self.zoom is not None or self.pan is not None


def canvas_size(params: OutpaintFields, ratio: AspectRatio, area: int) -> tuple[int, int]:
    """The size the workflow makes: a pan's canvas is wider (or taller) than the request's shape."""
    if params.pan is not None:
        ratio = panned_ratio(ratio, params.pan)
    return dimensions_for(ratio, area)


def apply_outpaint(
    template: WorkflowTemplate, graph: dict[str, Any], params: OutpaintFields, metadata: dict[str, Any]
) -> float | None:
    """Once the picture is in place: its encoders made to zoom out or pan (a request that asks for it),
    which the samplers then run at full strength."""
    if not params.outpaints:
        return None
    width, height = metadata.get("width"), metadata.get("height")
    if not isinstance(width, int) or not isinstance(height, int):
        raise _cannot(template, "outpaint.no_canvas", "it makes pictures at the size of the one it is given")
    try:
        outpaint(graph, placement(width, height, zoom=params.zoom, pan=params.pan))
    except CannotOutpaint as error:
        raise _cannot(template, "outpaint.no_picture", "it needs a picture to start from") from error
    if params.zoom is not None:
        metadata["zoom"] = params.zoom
    if params.pan is not None:
        metadata["pan"] = params.pan
    return OUTPAINT_STRENGTH


def _cannot(template: WorkflowTemplate, key: str, why: str) -> UserFacingError:
    return UserFacingError(
        Text(
            key,
            f"The workflow '{template.title}' can't zoom out or pan: {why}.",
            {"workflow": template.title},
        )
    )
