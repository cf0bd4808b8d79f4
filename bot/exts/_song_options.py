"""What /song's options said about the music, and how its lyrics form's custom_id carries them.

A form outlives the process that opened it (a restart, or its 15 minutes): the options written into its
custom_id let bot.exts.song_forms make the song from the submission alone. They are written only when all
of them fit Discord's 100 characters and no song to cover was given (that cannot be carried); a form
without them is answered with the typed lyrics given back.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from core.kinds.song import SongParams
from core.prompts import parse_song_request

TAKES_PER_REQUEST = 2
FORM_PREFIX = "song:form:"
CUSTOM_ID_MAX = 100  # Discord's limit for a modal's custom_id
_CARRIED = "?"  # between the opening interaction's id and the options


@dataclass(frozen=True, slots=True)
class SongOptions:
    """What the slash command said about the music, kept while the lyrics form is open."""

    tempo: int | None = None
    key: str | None = None
    time_signature: str | None = None
    duration: str | None = None
    strength: float | None = None
    language: str | None = None

    def parse(
        self,
        *,
        title: str | None,
        genre: str | None,
        mood: str | None,
        lyrics_text: str | None = None,
        lyrics_file: tuple[str, bytes] | None = None,
    ) -> SongParams:
        return parse_song_request(
            lyrics_text=lyrics_text,
            lyrics_file=lyrics_file,
            title=title,
            genre=genre,
            mood=mood,
            tempo=self.tempo,
            key=self.key,
            time_signature=self.time_signature,
            duration=self.duration,
            count=TAKES_PER_REQUEST,
            strength=self.strength,
            language=self.language,
        )


@dataclass(frozen=True, slots=True)
class CarriedForm:
    """What a lyrics form's custom_id says besides the form's own fields."""

    options: SongOptions
    workflow: str | None


def form_custom_id(opened_by: int, options: SongOptions, *, workflow: str | None, covering: bool) -> str:
    """One id per opening interaction (so two members' forms never answer each other), with the options
    when they can all be carried."""
    plain = f"{FORM_PREFIX}{opened_by}"
    if covering:
        return plain
    fields = {
        "t": None if options.tempo is None else str(options.tempo),
        "k": options.key,
        "s": options.time_signature,
        "d": options.duration,
        "l": options.language,
        "w": workflow,
    }
    query = urllib.parse.urlencode({name: value for name, value in fields.items() if value is not None})
    carrying = f"{plain}{_CARRIED}{query}"
    return carrying if len(carrying) <= CUSTOM_ID_MAX else plain


def carried_form(custom_id: str) -> CarriedForm | None:
    """The options a form's custom_id carries, or None when it carries none (or is not a lyrics form)."""
    if not custom_id.startswith(FORM_PREFIX) or _CARRIED not in custom_id:
        return None
    fields = dict(urllib.parse.parse_qsl(custom_id.partition(_CARRIED)[2]))
    tempo = fields.get("t")
    if tempo is not None and not tempo.isdigit():
        return None
    options = SongOptions(
        tempo=None if tempo is None else int(tempo),
        key=fields.get("k"),
        time_signature=fields.get("s"),
        duration=fields.get("d"),
        language=fields.get("l"),
    )
    return CarriedForm(options, fields.get("w"))
