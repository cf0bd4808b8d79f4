"""Reading a /video request (options or `generate video`) into VideoParams, every problem listed at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from core.kinds.video import SECONDS_RANGE, VIDEO_ASPECT_RATIOS, VideoParams
from core.prompts import fields
from core.prompts.errors import PromptError, PromptProblem
from core.texts import InvalidValue, Text, reason_of


def seconds(value: str | float) -> float:
    try:
        number = float(str(value).strip().removesuffix("s").strip())
    except ValueError:
        raise InvalidValue(
            Text("value.seconds", f"'{value}' is not a number of seconds", {"value": value})
        ) from None
    if not SECONDS_RANGE[0] <= number <= SECONDS_RANGE[1]:
        low, high, given = (f"{bound:g}" for bound in (*SECONDS_RANGE, number))
        raise InvalidValue(
            Text(
                "value.video_seconds",
                f"videos are {low} to {high} seconds long, not {given}",
                {"low": low, "high": high, "given": given},
            )
        )
    return number


def aspect_ratio(value: str) -> str:
    try:
        return fields.aspect_ratio(value)
    except ValueError:
        known = ", ".join(VIDEO_ASPECT_RATIOS)
        raise InvalidValue(
            Text(
                "value.video_aspect_ratio",
                f"'{value}' is not an aspect ratio; for videos use {known}",
                {"value": value, "known": known},
            )
        ) from None


def parse_video_request(
    prompt: str | None,
    *,
    negative: str | None = None,
    seconds_: str | float | None = None,
    aspect_ratio_: str | None = None,
    quality: str | float | None = None,
    seed: str | int | None = None,
) -> VideoParams:
    """The request as VideoParams, or a PromptError listing every problem, each with its option's name."""
    problems: list[PromptProblem] = []
    values: dict[str, Any] = {"prompt": prompt or ""}
    if negative is not None:
        values["negative_prompt"] = negative
    readers: dict[str, Callable[[], object]] = {}
    if seconds_ is not None:
        readers["seconds"] = lambda: seconds(seconds_)
    if aspect_ratio_ is not None:
        readers["aspect_ratio"] = lambda: aspect_ratio(aspect_ratio_)
    if quality is not None:
        readers["quality"] = lambda: fields.quality(quality)
    if seed is not None:
        readers["seed"] = lambda: fields.seed(seed)
    for name, read in readers.items():
        try:
            values[name] = read()
        except ValueError as error:
            problems.append(PromptProblem.of(name, reason_of(error)))
    params: VideoParams | None = None
    try:
        params = VideoParams.model_validate(values)
    except ValidationError as error:
        problems += fields.problems_from(error, {"negative_prompt": "negative"})
    if problems or params is None:
        raise PromptError(list(dict.fromkeys(problems)))
    return params
