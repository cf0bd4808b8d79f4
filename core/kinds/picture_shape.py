"""A request's shape from the picture it brings, when it named none: image-to-image keeps a photo's shape
instead of cropping it to the default square, a zoom out draws around the whole picture, a pan widens its
own shape, and a video starts from its picture uncropped. A shape the request named (an option, a flag, a
document) wins, and the picture is centre-cropped to it as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from comfy.workflows.aspect import AspectRatio
from comfy.workflows.outpaint import panned_ratio

if TYPE_CHECKING:
    from core.kinds.image import ImageParams
    from core.kinds.video import VideoParams


def image_shape(params: ImageParams, width: int, height: int) -> ImageParams:
    if "aspect_ratio" in params.model_fields_set:
        return params
    ratio = AspectRatio.of_picture(width, height)
    if params.pan is not None:
        ratio = panned_ratio(ratio, params.pan)
    return params.model_copy(update={"aspect_ratio": str(ratio)})


def video_shape(params: VideoParams, width: int, height: int) -> VideoParams:
    if params.aspect_ratio is not None:
        return params
    return params.model_copy(update={"aspect_ratio": str(AspectRatio.of_picture(width, height))})
