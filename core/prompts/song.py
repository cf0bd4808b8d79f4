"""Turn a song request (options, lyrics typed or attached as .txt / .json) into SongParams.

Precedence: explicit options > the attached file > the template's defaults. A ``.json`` attachment is a
:class:`LyricsPromptData`; a ``.txt`` (or ``.lyrics``, ``.md``) attachment is the lyrics themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from pydantic import ValidationError

from comfy.workflows.music import normalise_key
from core.kinds.fields import CONTROL_CHARACTERS, LYRICS_MAX_CHARS
from core.kinds.song import SongParams, song_language
from core.prompts import fields
from core.prompts.documents import (
    MAX_DOCUMENT_BYTES,
    LyricsPromptData,
    decode_text,
    read_json_document,
    too_large,
    validate_document,
)
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.lyrics import clean_lyrics
from core.texts import Text, reason_of

TEXT_SUFFIXES = (".txt", ".lyrics", ".md")
# Cleaning only shrinks lyrics; anything far beyond the limit is refused before any work is done on it.
RAW_LYRICS_MAX_CHARS = 4 * LYRICS_MAX_CHARS


def parse_song_request(
    *,
    lyrics_text: str | None = None,
    lyrics_file: tuple[str, bytes] | None = None,
    title: str | None = None,
    genre: str | None = None,
    mood: str | None = None,
    tempo: int | str | None = None,
    key: str | None = None,
    time_signature: str | None = None,
    duration: float | str | None = None,
    seed: int | str | None = None,
    count: int | str | None = None,
    strength: float | None = None,
    language: str | None = None,
) -> SongParams:
    """The request as SongParams, or a PromptError listing every problem, each with its field."""
    problems: list[PromptProblem] = []
    values: dict[str, Any] = {}
    if lyrics_file is not None:
        values |= _read_lyrics_file(*lyrics_file, problems)
    explicit: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "title": (title, _label),
        "genre": (genre, _label),
        "mood": (mood, _label),
        "tempo": (tempo, fields.tempo),
        "key": (key, normalise_key),
        "time_signature": (time_signature, fields.time_signature),
        "language": (language, song_language),
        "duration": (duration, fields.duration),
        "seed": (seed, fields.seed),
        "count": (count, fields.count),
        "strength": (strength, float),
    }
    for name, (value, read) in explicit.items():
        if value is None:
            continue
        try:
            values[name] = read(value)
        except ValueError as error:
            problems.append(PromptProblem.of(name, reason_of(error)))
    if lyrics_text is not None:
        values["lyrics"] = _lyrics(lyrics_text, "lyrics", problems)
    return _song_params(values, problems)


def _label(value: str) -> str | None:
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split()) or None


def _lyrics(text: str, field: str | Text, problems: list[PromptProblem]) -> str:
    if len(text) > RAW_LYRICS_MAX_CHARS:
        too_long = Text(
            "invalid.too_long",
            f"is too long; at most {LYRICS_MAX_CHARS} characters",
            {"most": LYRICS_MAX_CHARS},
        )
        problems.append(PromptProblem.of(field, too_long))
        return ""
    cleaned, lyric_problems = clean_lyrics(text, field)
    problems += lyric_problems
    # Lyrics already reported are not checked (and reported) again by SongParams.
    return "" if lyric_problems else cleaned


def _read_lyrics_file(filename: str, content: bytes, problems: list[PromptProblem]) -> dict[str, Any]:
    name = PurePath(filename).name
    field = Text("prompt.field.lyrics_file", f"lyrics file {name}", {"name": name})
    suffix = PurePath(filename).suffix.lower()
    try:
        if suffix == ".json":
            data, document_problems = validate_document(
                LyricsPromptData, read_json_document(content, field), field
            )
            problems += document_problems
            if data is None:
                return {}
            return data.model_dump(exclude_none=True, exclude_defaults=True)
        if suffix in TEXT_SUFFIXES:
            if len(content) > MAX_DOCUMENT_BYTES:
                problems.append(PromptProblem.of(field, too_large()))
                return {}
            return {"lyrics": _lyrics(decode_text(content, field), field, problems)}
    except PromptError as error:
        problems += error.problems
        return {}
    said = Text("prompt.not_a_lyrics_file", "must be a .txt file of lyrics or a .json song document")
    problems.append(PromptProblem.of(field, said))
    return {}


def _song_params(values: dict[str, Any], problems: list[PromptProblem]) -> SongParams:
    params: SongParams | None = None
    try:
        params = SongParams.model_validate(values)
    except ValidationError as error:
        problems += fields.problems_from(error)
    if problems or params is None:
        raise PromptError(list(dict.fromkeys(problems)))
    return params
