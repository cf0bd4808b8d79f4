"""Midjourney's multi-prompts, ``a cat::2 a dog::1``, in the weighting ComfyUI's text encoders read.

Midjourney weighs each part against the others; ComfyUI reads ``(text:weight)`` as emphasis on one part,
where much over 1 spoils the picture. So each weight is taken relative to the largest: ``a cat::2 a dog``
is ``a cat, (a dog:0.5)``. A part with a negative weight (``text::-0.5``, which Midjourney says is --no's
meaning) is something to keep out, and goes to the negative prompt; a part weighted 0 is left out. Typed
as is, ``::2`` would be drawn as words (and the 2 as two of something).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `::` with its optional weight; a part without one weighs 1.
_SEPARATOR = re.compile(r"::(-?(?:\d+(?:\.\d*)?|\.\d+))?")


@dataclass(frozen=True, slots=True)
class MultiPrompt:
    prompt: str
    keep_out: tuple[str, ...] = ()


def read_multi_prompt(text: str) -> MultiPrompt:
    """`text` with its parts weighted as ComfyUI reads them; a text without `::` as it is."""
    if "::" not in text:
        return MultiPrompt(text)
    pieces = _SEPARATOR.split(text)
    parts = [
        (" ".join(piece.split()), float(weight) if weight else 1.0)
        for piece, weight in zip(pieces[::2], [*pieces[1::2], None], strict=True)
    ]
    parts = [(part, weight) for part, weight in parts if part.strip(" ,")]
    largest = max((weight for _, weight in parts if weight > 0), default=1.0)
    drawn = [_weighted(part.strip(" ,"), weight / largest) for part, weight in parts if weight > 0]
    keep_out = tuple(part.strip(" ,") for part, weight in parts if weight < 0)
    return MultiPrompt(", ".join(drawn), keep_out)


def _weighted(part: str, weight: float) -> str:
    if weight >= 0.995:
        return part
    return f"({part}:{max(round(weight, 2), 0.01):g})"
