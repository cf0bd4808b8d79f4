"""What a user may ask of a workflow, typed and checked: the inputs of :func:`comfy.workflows.bind.bind`."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from comfy.workflows.aspect import AspectRatio
from comfy.workflows.music import DURATION_RANGE, TEMPO_RANGE, normalise_key, unknown_sections

Quality = Literal["draft", "standard", "high"]
TimeSignature = Literal["2/4", "3/4", "4/4", "6/8"]

QUALITIES: tuple[Quality, ...] = ("draft", "standard", "high")
MAX_SEED = 2**64 - 1  # ComfyUI's KSampler accepts 0 ... 0xffffffffffffffff
MAX_COUNT = 4
PROMPT_MAX_CHARS = 2000
NEGATIVE_MAX_CHARS = 1000
STYLE_TAG_MAX_CHARS = 40
MAX_STYLE_TAGS = 8
LYRICS_MAX_CHARS = 4000
LABEL_MAX_CHARS = 100

# Newlines and tabs belong in prompts and lyrics; other control characters only confuse encoders and logs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


CleanText = Annotated[str, AfterValidator(_no_control_characters)]


class ImageParams(BaseModel):
    """One image request: what to draw and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: CleanText = Field(min_length=1, max_length=PROMPT_MAX_CHARS)
    # None keeps the template's own negative prompt.
    negative_prompt: CleanText | None = Field(default=None, max_length=NEGATIVE_MAX_CHARS)
    aspect_ratio: str = "1:1"
    quality: Quality = "standard"
    style_tags: list[str] = Field(default_factory=list, max_length=MAX_STYLE_TAGS)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    count: int = Field(default=1, ge=1, le=MAX_COUNT)

    @field_validator("prompt")
    @classmethod
    def _prompt_has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("aspect_ratio")
    @classmethod
    def _aspect_ratio_is_sane(cls, value: str) -> str:
        return str(AspectRatio.parse(value))

    @field_validator("style_tags")
    @classmethod
    def _style_tags_are_short_words(cls, tags: list[str]) -> list[str]:
        cleaned: list[str] = []
        for tag in tags:
            tag = " ".join(tag.split())
            if not tag or len(tag) > STYLE_TAG_MAX_CHARS or _CONTROL.search(tag):
                raise ValueError(f"each style tag must be 1 to {STYLE_TAG_MAX_CHARS} printable characters")
            if tag.lower() not in (existing.lower() for existing in cleaned):
                cleaned.append(tag)
        return cleaned


class SongParams(BaseModel):
    """One song request; unset fields fall back to the template's own values."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: CleanText | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    genre: CleanText | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    mood: CleanText | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    tempo: int | None = Field(default=None, ge=TEMPO_RANGE[0], le=TEMPO_RANGE[1])
    key: str | None = None
    time_signature: TimeSignature | None = None
    # Sections as "[verse]", "[Chorus 2]" ... ; empty lyrics make an instrumental.
    lyrics: CleanText = Field(default="", max_length=LYRICS_MAX_CHARS)
    duration: float | None = Field(default=None, ge=DURATION_RANGE[0], le=DURATION_RANGE[1])
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    count: int = Field(default=1, ge=1, le=MAX_COUNT)

    @field_validator("key")
    @classmethod
    def _key_is_a_key(cls, value: str | None) -> str | None:
        return None if value is None else normalise_key(value)

    @field_validator("lyrics")
    @classmethod
    def _sections_are_known(cls, value: str) -> str:
        unknown = unknown_sections(value)
        if unknown:
            listed = ", ".join(f"[{label}]" for label in unknown)
            raise ValueError(
                f"unknown section {listed}; use [intro], [verse], [pre-chorus], [chorus], [bridge], "
                "[outro] or [inst]"
            )
        return value
