"""A request's shape from the picture it brings, when it named none: image-to-image keeps a photo's shape
instead of cropping it to the default square, a zoom out draws around the whole picture, a pan widens its
own shape, and a video starts from its picture uncropped. A shape the request named (an option, a flag, a
document) wins, and the picture is centre-cropped to it as before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from comfy.workflows.aspect import MAX_ELONGATION, AspectRatio
from comfy.workflows.outpaint import PanDirection, panned_ratio
from core.errors import UserFacingError
from core.texts import Text

if TYPE_CHECKING:
    from core.kinds.image import ImageParams
    from core.kinds.video import VideoParams


def image_shape(params: ImageParams, width: int, height: int) -> ImageParams:
    """PanTooLong when a pan would stretch the picture's own shape past what the bot takes."""
    if "aspect_ratio" in params.model_fields_set:
        return params
    ratio = AspectRatio.of_picture(width, height)
    if params.pan is not None:
        own, ratio = ratio, panned_ratio(ratio, params.pan)
        if max(ratio.width / ratio.height, ratio.height / ratio.width) > MAX_ELONGATION:
            raise PanTooLong(own, params.pan)
    # Set without validation (model_copy): a shape of_picture or panned_ratio made, checked above.
    return params.model_copy(update={"aspect_ratio": str(ratio)})


class PanTooLong(UserFacingError):
    """A pan of a picture already so long that the wider canvas would be past MAX_ELONGATION."""

    def __init__(self, ratio: AspectRatio, pan: PanDirection) -> None:
        most, shown = f"{MAX_ELONGATION:g}", str(ratio)
        direction = Text(f"values.pan.{pan}", pan)
        super().__init__(
            Text(
                "outpaint.pan_too_long",
                f"This picture is {shown} already: panned {direction}, it would be more stretched than "
                f"{most}:1. Pan the other way, or name a shape with --ar.",
                {"ratio": shown, "direction": direction, "most": most},
            )
        )


def video_shape(params: VideoParams, width: int, height: int) -> VideoParams:
    if params.aspect_ratio is not None:
        return params
    return params.model_copy(update={"aspect_ratio": str(AspectRatio.of_picture(width, height))})
