"""Limits and checked text types that the parameters of every kind share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from comfy.workflows.aspect import AspectRatio, BadAspectRatio
from comfy.workflows.params import MAX_SEED
from core.texts import InvalidValue, Text

if TYPE_CHECKING:
    from core.kinds.spec import KindSpec

MAX_COUNT = 4
PROMPT_MAX_CHARS = 2000
NEGATIVE_MAX_CHARS = 1000
STYLE_TAG_MAX_CHARS = 40
MAX_STYLE_TAGS = 8
LYRICS_MAX_CHARS = 4000
LABEL_MAX_CHARS = 100

# Newlines and tabs belong in prompts and lyrics; other control characters only confuse encoders and logs.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _no_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise InvalidValue(Text("value.control_characters", "must not contain control characters"))
    return value


def _has_words(value: str) -> str:
    if not value.strip():
        raise InvalidValue(Text("value.blank", "must not be blank"))
    return value.strip()


def known_aspect_ratio(value: str) -> str:
    """``"16:9"`` in its normal form, or InvalidValue saying why not in the member's words."""
    try:
        return str(AspectRatio.parse(value))
    except BadAspectRatio as error:
        raise InvalidValue(_aspect_ratio_reason(error.code, error.text)) from None


def _aspect_ratio_reason(code: str, value: str) -> Text:
    reasons = {
        "not_a_ratio": Text(
            "value.aspect_ratio.not_a_ratio", f"'{value}' is not an aspect ratio like 16:9", {"value": value}
        ),
        "zero_side": Text("value.aspect_ratio.zero_side", f"'{value}' has a zero side", {"value": value}),
        "too_stretched": Text(
            "value.aspect_ratio.too_stretched",
            f"'{value}' is too stretched; at most 3:1 or 1:3",
            {"value": value},
        ),
        "too_fine": Text(
            "value.aspect_ratio.too_fine",
            f"'{value}' is too fine-grained; use small whole numbers like 16:9",
            {"value": value},
        ),
    }
    return reasons[code]


CleanText = Annotated[str, AfterValidator(_no_control_characters)]
# What a picture or a video is to show: words, trimmed.
PromptText = Annotated[str, AfterValidator(_no_control_characters), AfterValidator(_has_words)]
# "16:9", "2:3", ... in its normal form; refused when it is no ratio or out of range.
AspectRatioText = Annotated[str, AfterValidator(known_aspect_ratio)]


def seed_field() -> int | None:
    """Every kind's ``seed``: left out, the job service draws one, once, and the job keeps it."""
    return Field(default=None, ge=0, le=MAX_SEED)


def strength_field() -> float | None:
    """0 keeps the given image (or song) as it is, 1 keeps nothing of it."""
    return Field(default=None, ge=0.0, le=1.0, allow_inf_nan=False)


def count_field() -> int:
    return Field(default=1, ge=1, le=MAX_COUNT)


class KindParams(BaseModel):
    """One request of some kind, typed and checked; the seed is part of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The kind these are the parameters of; set when its KindSpec is made.
    kind_spec: ClassVar[KindSpec[Any]]

    if TYPE_CHECKING:
        # Every kind declares these two (with seed_field() and count_field()) where they read best in its
        # own field order, which is also the order its validation errors are listed in.
        seed: int | None
        count: int
