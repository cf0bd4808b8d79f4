"""What a finished job actually made, in the words a member reads: "1024×576 (16:9)", "812 KB".

A workflow without a size setting makes the size it always makes, whatever shape was asked for; the
result says what was made (and that the asked shape was not), rather than echoing the request.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from bot.locales import Words
from core.jobs.snapshots import ArtifactView
from core.kinds.image import COMMON_ASPECT_RATIOS, SIZE_MULTIPLE

# Shapes this close count as the same (latent sizes are rounded to SIZE_MULTIPLE).
_SAME_SHAPE = 0.03
_UNITS = ("KB", "MB", "GB")


def _shape(ratio: str) -> float | None:
    width, _, height = ratio.partition(":")
    if not (width.isdecimal() and height.isdecimal()) or int(height) == 0:
        return None
    return int(width) / int(height)


def _tolerance(width: int, height: int) -> float:
    # Each side may be off by half a size step from the exact shape, more so on small images.
    half_step = SIZE_MULTIPLE / 2
    return max(_SAME_SHAPE, half_step / width + half_step / height)


def ratio_name(width: int, height: int) -> str:
    """The common name of the shape (16:9) when it is one, else the reduced ratio (5:4)."""
    shape = width / height
    for name in COMMON_ASPECT_RATIOS:
        common = _shape(name)
        if common is not None and abs(shape - common) / common <= _SAME_SHAPE:
            return name
    divisor = math.gcd(width, height)
    return f"{width // divisor}:{height // divisor}"


def made_shape(
    job_params: Mapping[str, object], artifacts: Sequence[ArtifactView]
) -> tuple[str, str, str | None] | None:
    """(aspect ratio made, size made, the other shape asked or None) of the first image: ("16:9",
    "1024×576", None); None without one. The shape asked is given when the image does not have it."""
    image = next((a for a in artifacts if a.width and a.height), None)
    if image is None or image.width is None or image.height is None:
        return None
    size = f"{image.width}×{image.height}"
    made = ratio_name(image.width, image.height)
    asked = job_params.get("aspect_ratio")
    shape = _shape(str(asked)) if asked else None
    if shape is None:
        return made, size, None
    if abs(image.width / image.height - shape) / shape <= _tolerance(image.width, image.height):
        return str(asked), size, None  # the asked shape, as near as the size steps allow
    return made, size, str(asked)


def file_size(words: Words, size_bytes: int) -> str:
    """812 bytes, 3.4 KB, 12 MB: never "0 KB"."""
    if size_bytes < 1024:
        return words("size.byte") if size_bytes == 1 else words("size.bytes", count=size_bytes)
    value = float(size_bytes)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            shown = words.number(value, 1) if value < 10 else f"{value:.0f}"
            return f"{shown} {unit}"
    raise AssertionError("unreachable")
