"""Prompt documents users attach: an image prompt as JSON, a song's lyrics as JSON or plain text."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from comfy.workflows.music import normalise_key
from comfy.workflows.params import Quality
from core.kinds.fields import (
    LABEL_MAX_CHARS,
    LYRICS_MAX_CHARS,
    MAX_STYLE_TAGS,
    NEGATIVE_MAX_CHARS,
    PROMPT_MAX_CHARS,
)
from core.kinds.song import TimeSignature, song_language
from core.prompts import fields
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.lyrics import clean_lyrics
from core.texts import InvalidValue, Text, all_of

MAX_DOCUMENT_BYTES = 64 * 1024
WORKFLOW_NAME_MAX_CHARS = 100

ModelT = TypeVar("ModelT", bound=BaseModel)


class ImagePromptData(BaseModel):
    """An image request written as JSON: everything /imagine's options can say, all optional.

    ``{"prompt": "a lighthouse at dusk", "negative_prompt": "text", "aspect_ratio": "16:9",
    "quality": "high", "style_tags": ["ink"], "seed": 7, "count": 2, "workflow": "sdxl",
    "model": "juggernaut.safetensors", "loras": ["ink.safetensors:0.8", {"name": "grain", "weight": 0.5}]}``
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: str | None = Field(default=None, min_length=1, max_length=PROMPT_MAX_CHARS)
    negative_prompt: str | None = Field(default=None, max_length=NEGATIVE_MAX_CHARS)
    aspect_ratio: str | None = None
    quality: Quality | None = None
    style_tags: list[str] = Field(default_factory=list, max_length=MAX_STYLE_TAGS)
    seed: int | None = None
    count: int | None = None
    workflow: str | None = Field(default=None, min_length=1, max_length=WORKFLOW_NAME_MAX_CHARS)
    # Checked as ImageParams checks them (names, weights, how many), with the other fields.
    model: str | None = None
    loras: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("loras", mode="before")
    @classmethod
    def _loras(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [fields.lora(item) if isinstance(item, str) else item for item in value]

    @field_validator("seed", mode="before")
    @classmethod
    def _seed(cls, value: Any) -> Any:
        return fields.seed(value) if isinstance(value, str | int) and not isinstance(value, bool) else value

    @field_validator("count", mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        return fields.count(value) if isinstance(value, str | int) and not isinstance(value, bool) else value

    @field_validator("aspect_ratio")
    @classmethod
    def _aspect_ratio(cls, value: str | None) -> str | None:
        return None if value is None else fields.aspect_ratio(value)

    @field_validator("quality", mode="before")
    @classmethod
    def _quality(cls, value: Any) -> Any:
        return fields.quality(value) if isinstance(value, str | int | float) else value


class LyricsPromptData(BaseModel):
    """A song request written as JSON: lyrics with sections plus how it should sound."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    genre: str | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    mood: str | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    tempo: int | None = None
    key: str | None = Field(default=None, max_length=20)
    time_signature: TimeSignature | None = None
    language: str | None = Field(default=None, max_length=30)
    # The limit applies to the cleaned lyrics; the raw text is only bounded.
    lyrics: str = Field(default="", max_length=4 * LYRICS_MAX_CHARS)
    duration: float | None = None

    @field_validator("lyrics")
    @classmethod
    def _lyrics(cls, value: str) -> str:
        cleaned, problems = clean_lyrics(value)
        reasons = [problem.text for problem in problems]
        if reasons and all(reason is not None for reason in reasons):
            raise InvalidValue(all_of([reason for reason in reasons if reason is not None]))
        if problems:
            raise ValueError("; ".join(problem.message for problem in problems))
        return cleaned

    @field_validator("key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        return None if value is None else normalise_key(value)

    @field_validator("tempo", mode="before")
    @classmethod
    def _tempo(cls, value: Any) -> Any:
        return fields.tempo(value) if isinstance(value, str | int) and not isinstance(value, bool) else value

    @field_validator("duration", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        numeric = isinstance(value, str | int | float) and not isinstance(value, bool)
        return fields.duration(value) if numeric else value

    @field_validator("time_signature", mode="before")
    @classmethod
    def _time_signature(cls, value: Any) -> Any:
        return fields.time_signature(value) if isinstance(value, str) else value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else song_language(value)


def read_json_document(content: bytes, field: str | Text) -> dict[str, Any]:
    """The JSON object in an attachment, or a PromptError saying where it is broken."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise PromptError([PromptProblem.of(field, too_large())])
    try:
        document = json.loads(decode_text(content, field))
    except json.JSONDecodeError as error:
        # The decoder's own reason ("Expecting value") is Python's English: said as it is.
        line, column, reason = error.lineno, error.colno, error.msg
        said = Text(
            "prompt.not_json",
            f"is not valid JSON (line {line}, column {column}: {reason})",
            {"line": line, "column": column, "reason": reason},
        )
        raise PromptError([PromptProblem.of(field, said)]) from None
    if not isinstance(document, dict):
        said = Text("prompt.not_a_json_object", 'must be a JSON object: {"name": value, ...}')
        raise PromptError([PromptProblem.of(field, said)])
    return document


def too_large() -> Text:
    """A document or lyrics file over MAX_DOCUMENT_BYTES."""
    most = MAX_DOCUMENT_BYTES // 1024
    return Text("prompt.document_too_large", f"is larger than {most} KB", {"most": most})


def decode_text(content: bytes, field: str | Text) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM, as editors save it."""
    encoding = "utf-16" if content.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        said = Text("prompt.not_utf8", "is not UTF-8 text")
        raise PromptError([PromptProblem.of(field, said)]) from None


def validate_document(
    model: type[ModelT], document: dict[str, Any], field: str | Text
) -> tuple[ModelT | None, list[PromptProblem]]:
    try:
        return model.model_validate(document), []
    except ValidationError as error:
        problems = [_named_known(model, problem) for problem in fields.problems_from(error)]
        return None, [
            PromptProblem(
                f"{field} {problem.field}", problem.message, problem.text, _within(field, problem.field)
            )
            for problem in problems
        ]


def _named_known(model: type[BaseModel], problem: PromptProblem) -> PromptProblem:
    """An unknown field (`"negative"`, `"ar"`) with the fields there are, as an unknown flag is told."""
    if problem.text is None or problem.text.key != "invalid.unknown_field":
        return problem
    known = ", ".join(model.model_fields)
    said = Text("prompt.unknown_document_field", f"is not a field I know (known: {known})", {"known": known})
    return PromptProblem.of(problem.field, said)


def _within(field: str | Text, inner: str) -> Text | None:
    """ "document seed": a document's field, named in the member's language where the document is."""
    if not isinstance(field, Text):
        return None
    return Text("prompt.field.within", f"{field} {inner}", {"outer": field, "inner": inner})


def document_field() -> Text:
    """An image request's attached document, as its problems name it."""
    return Text("prompt.field.document", "document")
