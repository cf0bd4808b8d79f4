"""Turn what a user typed (prompt with flags, options, an attached JSON document) into ImageParams.

Precedence: explicit options > inline flags > the attached document > the template's defaults.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from comfy.workflows.params import PROMPT_MAX_CHARS, ImageParams
from core.prompts import fields
from core.prompts.documents import ImagePromptData, read_json_document, validate_document
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.flags import extract_flags

# Flags are removed before the prompt's own limit applies, so the raw text may be a little longer.
RAW_PROMPT_MAX_CHARS = PROMPT_MAX_CHARS + 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def parse_image_request(
    prompt: str,
    *,
    negative: str | None = None,
    aspect_ratio: str | None = None,
    quality: str | float | None = None,
    style: str | Sequence[str] | None = None,
    seed: int | str | None = None,
    count: int | str | None = None,
    document: bytes | None = None,
) -> ImageParams:
    """The request as ImageParams, or a PromptError listing every problem, each with its field."""
    if len(prompt) > RAW_PROMPT_MAX_CHARS:
        raise PromptError([PromptProblem("prompt", f"is too long; at most {PROMPT_MAX_CHARS} characters")])
    problems: list[PromptProblem] = []
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if document is not None:
        _take_document(document, values, origin, problems)
    flags = extract_flags(_CONTROL.sub(" ", prompt))
    problems += flags.problems
    if flags.prompt:
        values["prompt"], origin["prompt"] = flags.prompt, "prompt"
    for name, value in flags.values.items():
        values[name], origin[name] = value, flags.spelled.get(name, f"--{name}")
    explicit: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "negative_prompt": (negative, _clean_text),
        "aspect_ratio": (aspect_ratio, fields.aspect_ratio),
        "quality": (quality, fields.quality),
        "style_tags": (style, _style_tags),
        "seed": (seed, fields.seed),
        "count": (count, fields.count),
    }
    for name, (value, read) in explicit.items():
        if value is None:
            continue
        option = _OPTION_NAMES[name]
        try:
            values[name], origin[name] = read(value), option
        except ValueError as error:
            problems.append(PromptProblem(option, str(error)))
    if not values.get("prompt"):
        if not any(problem.field == "document prompt" for problem in problems):
            problems.append(PromptProblem("prompt", "is empty; describe what to draw"))
        # A stand-in, so the other fields are still checked and reported together.
        values["prompt"] = "-"
    return _image_params(values, origin, problems)


_OPTION_NAMES = {
    "negative_prompt": "negative",
    "aspect_ratio": "aspect_ratio",
    "quality": "quality",
    "style_tags": "style",
    "seed": "seed",
    "count": "count",
}


def _take_document(
    content: bytes, values: dict[str, Any], origin: dict[str, str], problems: list[PromptProblem]
) -> None:
    try:
        raw = read_json_document(content, "document")
    except PromptError as error:
        problems += error.problems
        return
    data, document_problems = validate_document(ImagePromptData, raw, "document")
    problems += document_problems
    if data is not None:
        for name, value in data.model_dump(exclude_none=True, exclude_defaults=True).items():
            values[name], origin[name] = value, f"document {name}"


def _clean_text(value: str) -> str:
    return " ".join(_CONTROL.sub(" ", value).split())


def _style_tags(value: str | Sequence[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [tag.strip() for tag in items if tag.strip()]


def _image_params(
    values: dict[str, Any], origin: dict[str, str], problems: list[PromptProblem]
) -> ImageParams:
    params: ImageParams | None = None
    try:
        params = ImageParams.model_validate(values)
    except ValidationError as error:
        for problem in fields.problems_from(error):
            name = problem.field.split(".", 1)[0]
            problems.append(PromptProblem(origin.get(name, name), problem.message))
    if problems or params is None:
        raise PromptError(_unique(problems))
    return params


def _unique(problems: list[PromptProblem]) -> list[PromptProblem]:
    return list(dict.fromkeys(problems))
