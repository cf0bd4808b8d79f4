"""Reading single values the way users type them, shared by flags, options and documents.

Each reader returns the value or raises core.texts.InvalidValue (a ValueError) with a sentence for the member,
said in their language by the front-end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from comfy.workflows.aspect import COMMON_ASPECT_RATIOS
from comfy.workflows.music import DURATION_RANGE, TEMPO_RANGE, TIME_SIGNATURES
from comfy.workflows.outpaint import MAX_ZOOM, PAN_DIRECTIONS, PanDirection
from comfy.workflows.params import MAX_SEED, Quality
from core.kinds.fields import MAX_COUNT, known_aspect_ratio
from core.prompts.errors import PromptProblem
from core.texts import InvalidValue, Text
from core.validation_reasons import reason_for

# Midjourney's --q numbers, and words people use, mapped onto our three quality levels.
_QUALITY_WORDS: dict[str, Quality] = {
    "draft": "draft",
    "fast": "draft",
    "low": "draft",
    ".25": "draft",
    "0.25": "draft",
    ".5": "draft",
    "0.5": "draft",
    "standard": "standard",
    "normal": "standard",
    "default": "standard",
    "1": "standard",
    "high": "high",
    "hd": "high",
    "best": "high",
    "2": "high",
    "4": "high",  # Midjourney V7's highest
}
_DECIMAL = re.compile(r"^\d*\.\d+$|^\d+\.\d*$")
_WEIGHT = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)\s*$")
_TEMPO = re.compile(r"^\s*(\d{1,3})\s*(?:bpm)?\s*$", re.IGNORECASE)
_ZOOM = re.compile(r"^\d(?:[.,]\d+)?$")
# The ratio sign and the full-width colon (Chinese and Japanese keyboards) look like the colon of 16:9.
_OTHER_COLONS = str.maketrans({"∶": ":", "：": ":"})
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
# A length as people say it: "90", "90s", "90 sec", "2 min", "2m30s", "1.5 minutes".
_SPOKEN_DURATION = re.compile(
    r"^\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:m|mins?|minutes?))?\s*(?:(\d{1,3}(?:\.\d+)?)\s*(?:s|secs?|seconds?)?)?\s*$",
    re.IGNORECASE,
)


def aspect_ratio(text: str) -> str:
    try:
        return known_aspect_ratio(text.translate(_OTHER_COLONS))
    except InvalidValue as error:
        common = ", ".join(COMMON_ASPECT_RATIOS)
        reason = error.reason
        raise InvalidValue(
            Text("value.aspect_ratio", f"{reason} (common: {common})", {"reason": reason, "common": common})
        ) from None


def quality(value: str | float) -> Quality:
    # Discord number options arrive as floats, and people type them so: 2.0 means --q 2.
    text = str(value).strip().lower()
    if isinstance(value, float) or _DECIMAL.match(text):
        text = f"{float(value):g}"
    if text in _QUALITY_WORDS:
        return _QUALITY_WORDS[text]
    raise InvalidValue(
        Text(
            "value.quality",
            f"'{value}' is not a quality; use draft, standard or high (or --q .5, 1, 2)",
            {"value": value},
        )
    )


def seed(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdecimal() or int(text) > MAX_SEED:
        raise InvalidValue(
            Text(
                "value.seed",
                f"'{value}' is not a seed; use a whole number from 0 to {MAX_SEED}",
                {"value": value, "most": MAX_SEED},
            )
        )
    return int(text)


def zoom(value: str | float) -> float:
    """How far out to zoom from the given picture: over 1, at most 2 (``--zoom 2``, ``--zoom 1.5``)."""
    text = str(value).strip().replace(",", ".")
    if not _ZOOM.match(text) or not 1.0 < float(text) <= MAX_ZOOM:
        most = f"{MAX_ZOOM:g}"
        raise InvalidValue(
            Text(
                "value.zoom",
                f"'{value}' is not a zoom out; use a number over 1, up to {most}",
                {"value": value, "most": most},
            )
        )
    return float(text)


def pan(value: str) -> PanDirection:
    text = str(value).strip().lower()
    for direction in PAN_DIRECTIONS:
        if text == direction:
            return direction
    ways = ", ".join(PAN_DIRECTIONS)
    raise InvalidValue(
        Text("value.pan", f"'{value}' is not a way to pan; use {ways}", {"value": value, "ways": ways})
    )


def count(value: str | int) -> int:
    text = str(value).strip()
    if not text.isdecimal() or not 1 <= int(text) <= MAX_COUNT:
        raise InvalidValue(
            Text(
                "value.count",
                f"'{value}' is not a count; ask for 1 to {MAX_COUNT}",
                {"value": value, "most": MAX_COUNT},
            )
        )
    return int(text)


def tempo(value: str | int) -> int:
    match = _TEMPO.match(str(value))
    low, high = TEMPO_RANGE
    if match is None or not low <= int(match[1]) <= high:
        raise InvalidValue(
            Text(
                "value.tempo",
                f"'{value}' is not a tempo; use {low} to {high} bpm",
                {"value": value, "low": low, "high": high},
            )
        )
    return int(match[1])


def duration(value: str | float) -> float:
    """Seconds, given as ``90``, ``90s``, ``90 seconds``, ``2 min``, ``2m30s`` or ``1:30``."""
    seconds = _seconds(str(value))
    low, high = (f"{bound:g}" for bound in DURATION_RANGE)
    if seconds is None or not DURATION_RANGE[0] <= seconds <= DURATION_RANGE[1]:
        raise InvalidValue(
            Text(
                "value.duration",
                f"'{value}' is not a duration; use {low} to {high} seconds (or m:ss)",
                {"value": value, "low": low, "high": high},
            )
        )
    return float(seconds)


def _seconds(text: str) -> float | None:
    clock = _CLOCK.match(text)
    if clock is not None:
        return int(clock[1]) * 60 + int(clock[2])
    spoken = _SPOKEN_DURATION.match(text)
    if spoken is None or not (spoken[1] or spoken[2]):
        return None
    return float(spoken[1] or 0) * 60 + float(spoken[2] or 0)


def time_signature(value: str) -> str:
    text = str(value).strip().replace(" ", "").replace("-", "/")
    if text not in TIME_SIGNATURES:
        known = ", ".join(TIME_SIGNATURES)
        raise InvalidValue(
            Text(
                "value.time_signature",
                f"'{value}' is not a time signature; use {known}",
                {"value": value, "known": known},
            )
        )
    return text


def lora(value: str) -> dict[str, Any]:
    """``name`` or ``name:weight`` (``ink.safetensors:0.8``); the weight is checked with the LoRA."""
    text = str(value).strip()
    name, _, weight = text.rpartition(":")
    if name and _WEIGHT.match(weight):
        return {"name": name.strip(), "weight": float(weight)}
    if not text:
        raise InvalidValue(Text("value.lora", "needs a LoRA's name, like `ink.safetensors:0.8`"))
    return {"name": text}


def problems_from(error: ValidationError, names: dict[str, str] | None = None) -> list[PromptProblem]:
    """Pydantic's errors as problems, with the field as the user knows it and without jargon."""
    names = names or {}
    return [PromptProblem.of(_field(item["loc"], names), reason_for(item)) for item in error.errors()]


def _field(loc: Iterable[int | str], names: dict[str, str]) -> str:
    path = ".".join(str(part) for part in loc) or "document"
    return names.get(path, path)
