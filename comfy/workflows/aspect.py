"""Aspect ratios ("16:9") and the latent size that keeps a template's pixel area at that shape."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

# The ratios offered by name; any other W:H within the limits below is accepted too, so a user can ask
# for 5:4 or 2:1 without us listing every shape, while 100:1 slivers (useless, and huge) are refused.
COMMON_ASPECT_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9")
MAX_RATIO_TERM = 64
MAX_ELONGATION = 3.0
# Latent sizes are multiples of 64 so every model family (SD1.5 /8, SDXL buckets) is happy.
SIZE_MULTIPLE = 64

# The pixel steps workflows size pictures in: the bot's latents (SIZE_MULTIPLE), videos', VAEs'.
_GRIDS = (64, 32, 16, 8)
# How far the grid can take a picture from its ratio (3:2 at 512x512 pixels is 640x448, 5% off).
NEAR_GRID = Fraction(1, 20)
# A picture's shape within this much of a common ratio's is called by that name (1023x1024 is 1:1).
NEAR_COMMON = 0.01

_RATIO = re.compile(r"^\s*(\d{1,3})\s*[:x×/]\s*(\d{1,3})\s*$")
# Why a text is refused, by code: what follows the text quoted ("'wide' is not an aspect ratio like 16:9").
REASONS = {
    "not_a_ratio": "is not an aspect ratio like 16:9",
    "zero_side": "has a zero side",
    "too_stretched": "is too stretched; at most 3:1 or 1:3",
    "too_fine": "is too fine-grained; use small whole numbers like 16:9",
}


class BadAspectRatio(ValueError):
    """`text` is no aspect ratio we take; `code` (a key of REASONS) says why, for a front-end to word in its
    reader's language. The message is the English."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"'{text}' {REASONS[code]}")
        self.code = code
        self.text = text


@dataclass(frozen=True)
class AspectRatio:
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}:{self.height}"

    @classmethod
    def parse(cls, text: str) -> AspectRatio:
        """``"16:9"`` (also ``16x9``), reduced to lowest terms unless it is a common name like 21:9.

        BadAspectRatio (a ValueError) says what is allowed.
        """
        match = _RATIO.match(text)
        if match is None:
            raise BadAspectRatio("not_a_ratio", text)
        width, height = int(match[1]), int(match[2])
        if width == 0 or height == 0:
            raise BadAspectRatio("zero_side", text)
        if f"{width}:{height}" not in COMMON_ASPECT_RATIOS:
            divisor = math.gcd(width, height)
            width, height = width // divisor, height // divisor
        if max(width / height, height / width) > MAX_ELONGATION:
            raise BadAspectRatio("too_stretched", text)
        if width > MAX_RATIO_TERM or height > MAX_RATIO_TERM:
            raise BadAspectRatio("too_fine", text)
        return cls(width, height)

    @classmethod
    def nearest(cls, exact: Fraction) -> AspectRatio:
        """The shape nearest ``exact`` (width / height): a common ratio when one is within NEAR_COMMON of
        it, else in terms of at most MAX_RATIO_TERM (a 2560x1080 picture is 64:27). Not checked against
        MAX_ELONGATION: ``parse`` refuses what is too stretched."""
        for name in COMMON_ASPECT_RATIOS:
            common = cls.parse(name)
            if abs(Fraction(common.width, common.height) / exact - 1) <= NEAR_COMMON:
                return common
        for largest in range(MAX_RATIO_TERM, 0, -1):
            near = exact.limit_denominator(largest)
            if near.numerator <= MAX_RATIO_TERM:
                return cls(near.numerator, near.denominator)
        return cls(MAX_RATIO_TERM, 1)  # only for a shape over 64:1

    @classmethod
    def of_picture(cls, width: int, height: int) -> AspectRatio:
        """A picture's shape, as near as the bot takes one: a 4032x3024 photo is 4:3, a 1000x10 banner
        no more stretched than MAX_ELONGATION allows (3:1). A picture a workflow made at a common ratio,
        its sides rounded to a grid (1344x768 for 16:9), is called by that ratio's name."""
        exact = Fraction(max(width, 1), max(height, 1))  # no side is no shape: a pixel's
        for name in COMMON_ASPECT_RATIOS:
            common = cls.parse(name)
            if abs(Fraction(common.width, common.height) / exact - 1) > NEAR_GRID:
                continue  # a small picture rounds to a coarse grid from far off: 128x64 is no 16:9
            if any(dimensions_for(common, width * height, grid) == (width, height) for grid in _GRIDS):
                return common
        longest = Fraction(MAX_ELONGATION)
        return cls.nearest(min(max(exact, 1 / longest), longest))


def dimensions_for(ratio: AspectRatio, area: int, multiple: int = SIZE_MULTIPLE) -> tuple[int, int]:
    """Width and height of about ``area`` pixels in the shape ``ratio``, each a multiple of ``multiple``."""
    width = math.sqrt(area * ratio.width / ratio.height)
    height = math.sqrt(area * ratio.height / ratio.width)
    return _to_multiple(width, multiple), _to_multiple(height, multiple)


def _to_multiple(size: float, multiple: int) -> int:
    return max(multiple, math.floor(size / multiple + 0.5) * multiple)
