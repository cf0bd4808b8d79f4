"""Songs: ``/song``'s kind. Lyrics with sections plus title, genre, mood, tempo, key, metre, language."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any, Literal

from pydantic import Field, field_validator

from comfy.workflows import graph as g
from comfy.workflows.derive import can_derive_audio, derive_audio_input
from comfy.workflows.lyrics_language import ACE_LANGUAGES, detect_language, language_code
from comfy.workflows.music import (
    DURATION_RANGE,
    ace_step_lyrics,
    ace_step_tags,
    normalise_key,
    time_signature_numerator,
    unknown_sections,
)
from comfy.workflows.music import (
    TEMPO_RANGE as TEMPO_RANGE,  # /song offers this range: the front-end takes it from here
)
from comfy.workflows.shape import RoleRule, WorkflowShape
from comfy.workflows.template import WorkflowTemplate
from core.kinds.fields import (
    LABEL_MAX_CHARS,
    LYRICS_MAX_CHARS,
    CleanText,
    KindParams,
    count_field,
    seed_field,
    strength_field,
)
from core.kinds.member_inputs import COUNT_INPUTS
from core.kinds.spec import InputDerivation, JobKind, KindSpec, KindTexts
from core.texts import InvalidValue, Text

SONG = JobKind("song")
# How far a cover moves from the song it is given, whether `/song audio:` or a result's Cover button asks
# (core/jobs/derived.py takes it from here). At 0.6 the song's structure, rhythm and melody survive while
# the new lyrics and tags take over the voice and the sound; at 0.5 the old words still carry through
# too often, which is not what a member asking for new lyrics wants. It is also image-to-image's default,
# so a strength means the same to a member in /imagine and in /song.
COVER_STRENGTH = 0.6

TimeSignature = Literal["2/4", "3/4", "4/4", "6/8"]
# An untitled song is named by this many of its first words; a section tag ("[verse]") is none of them.
_UNTITLED_WORDS = 6
_SECTION_TAG = re.compile(r"\[[^\]\n]*\]")
# A language code a newer encoder may list beyond ACE_LANGUAGES ("yue"), or its "unknown".
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}|unknown")


class SongParams(KindParams):
    """One song request; unset fields fall back to the template's own values."""

    title: CleanText | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    genre: CleanText | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    mood: CleanText | None = Field(default=None, max_length=LABEL_MAX_CHARS)
    tempo: int | None = Field(default=None, ge=TEMPO_RANGE[0], le=TEMPO_RANGE[1])
    key: str | None = None
    time_signature: TimeSignature | None = None
    # The language the lyrics are sung in, as ACE-Step 1.5 names it ("ja"); None: read from the lyrics.
    language: str | None = None
    # Sections as "[verse]", "[Chorus 2]" ... ; empty lyrics make an instrumental.
    lyrics: CleanText = Field(default="", max_length=LYRICS_MAX_CHARS)
    duration: float | None = Field(default=None, ge=DURATION_RANGE[0], le=DURATION_RANGE[1])
    seed: int | None = seed_field()
    count: int = count_field()
    # With a song given (a cover): how far to move away from it; None: COVER_STRENGTH.
    strength: float | None = strength_field()

    @field_validator("key")
    @classmethod
    def _key_is_a_key(cls, value: str | None) -> str | None:
        return None if value is None else normalise_key(value)

    @field_validator("language")
    @classmethod
    def _language_is_sung(cls, value: str | None) -> str | None:
        return None if value is None else song_language(value)

    @field_validator("lyrics")
    @classmethod
    def _sections_are_known(cls, value: str) -> str:
        unknown = unknown_sections(value)
        if unknown:
            listed = ", ".join(f"[{label}]" for label in unknown)
            raise InvalidValue(
                Text(
                    "value.unknown_section",
                    f"unknown section {listed}; use [intro], [verse], [pre-chorus], [chorus], [bridge], "
                    "[outro] or [inst]",
                    {"listed": listed},
                )
            )
        return value


def song_language(value: str) -> str:
    """A language as typed (its code or its name: "ja", "Japanese", "日本語") → the code the song model
    takes. Any other code ("yue") is kept as typed: whether a backend's encoder lists it is checked when
    the job is asked for (unsung_language); anything else is refused."""
    code = language_code(value)
    if code is not None:
        return code
    typed = value.strip().lower()
    if _LANGUAGE_CODE.fullmatch(typed):
        return typed
    raise InvalidValue(_not_sung(value, ACE_LANGUAGES))


def unsung_language(params: SongParams, offered: Callable[[str], Collection[str]]) -> dict[str, Text]:
    """The language asked for, refused if the encoder's `language` choices on the backends (``offered``)
    lack it; none listed (no backend answered yet, or none has such an encoder), the 23 every ACE-Step 1.5
    takes are what is accepted."""
    listed = offered("language") or ACE_LANGUAGES
    if params.language is None or params.language in listed:
        return {}
    return {"language": _not_sung(params.language, listed)}


def _not_sung(value: str, known_codes: Collection[str]) -> Text:
    known = ", ".join(known_codes)
    return Text(
        "value.language",
        f"'{value}' is not a language songs are sung in here; use one of {known} (or its name, "
        "like Japanese)",
        {"value": value, "known": known},
    )


def _sounds(graph: g.Graph, nodes: Any) -> bool:
    """A music encoder takes the prompt, or the latent is measured in seconds."""
    prompt, latents = nodes["prompt"], nodes["latent"]
    return any(g.is_music_encoder(graph[i]) for i in prompt if i in graph) or any(
        g.has_number(graph[i], "seconds") for i in latents if i in graph
    )


SONG_SHAPE = WorkflowShape(
    kind=SONG,
    roles={
        "samplers": RoleRule("sampler (a node with steps, positive and latent_image inputs, like KSampler)"),
        "prompt": RoleRule(
            "music encoder with tags and lyrics (like TextEncodeAceStepAudio) feeding a sampler",
            g.is_music_encoder,
            "it has no tags and lyrics inputs",
        ),
        "latent": RoleRule(
            "empty audio latent (a node with seconds, like EmptyAceStepLatentAudio)",
            lambda n: g.has_number(n, "seconds", minimum=1),
            "it has no seconds number of 1 or more",
        ),
        "seed": RoleRule("node taking a seed (seed or noise_seed on a sampler that adds noise)"),
        "outputs": RoleRule("output node receiving audio (like SaveAudioMP3)"),
    },
    recognises=_sounds,
)


def apply_song(template: WorkflowTemplate, graph: dict[str, Any], params: SongParams) -> dict[str, Any]:
    binding = template.binding
    duration = params.duration
    if duration is None:
        duration = float(graph[binding.latent_nodes[0]]["inputs"]["seconds"])
    batched = False
    for node_id in binding.latent_nodes:
        inputs = graph[node_id]["inputs"]
        inputs["seconds"] = duration
        if g.has_number(graph[node_id], "batch_size"):
            inputs["batch_size"], batched = params.count, True
    tags, language = "", None
    # Asked for, or read from the lyrics (None: neither, and the workflow keeps its own).
    sung_in = params.language or detect_language(params.lyrics)
    for node_id in binding.prompt_nodes:
        tags = _bind_music_encoder(graph[node_id], params, duration)
        # Where the encoder takes a language (ACE-Step 1.5), as it takes the key: a value, not a link.
        if sung_in is not None and g.has_value(graph[node_id], "language"):
            graph[node_id]["inputs"]["language"] = language = sung_in
    return {
        "kind": SONG,
        "title": params.title,
        "genre": params.genre,
        "mood": params.mood,
        "tempo": params.tempo,
        "key": params.key,
        "time_signature": params.time_signature,
        # The language the song is sung in, where the workflow took it; shown with its parameters.
        "language": language,
        "duration": duration,
        "count": params.count if batched else 1,
        "tags": tags,
    }


def _bind_music_encoder(node: dict[str, Any], params: SongParams, duration: float) -> str:
    """Set tags and lyrics; where the encoder has its own musical inputs (ACE-Step 1.5) use them.

    Returns the tags used. Without any descriptor the template's own tags are kept.
    """
    inputs = node["inputs"]
    musical: list[str | None] = [params.genre, params.mood]
    if params.tempo is not None:
        if g.has_number(node, "bpm"):
            inputs["bpm"] = params.tempo
        else:
            musical.append(f"{params.tempo} bpm")
    if params.key is not None:
        if g.has_value(node, "keyscale"):
            inputs["keyscale"] = params.key
        else:
            musical.append(params.key)
    if params.time_signature is not None:
        if g.has_value(node, "timesignature"):
            inputs["timesignature"] = time_signature_numerator(params.time_signature)
        else:
            musical.append(f"{params.time_signature} time")
    if g.has_number(node, "duration"):
        inputs["duration"] = duration
    tags = ace_step_tags(musical)
    if tags:
        inputs["tags"] = tags
    inputs["lyrics"] = ace_step_lyrics(params.lyrics)
    return str(inputs["tags"])


def _new_lyrics(document: dict[str, Any], set_anew: Collection[str]) -> dict[str, Any]:
    """A song made again with new lyrics (a Cover): a language typed for the old ones yields to the new
    lyrics' own where their letters settle it (bound then as for any lyrics); one set anew stays."""
    if "language" in set_anew or detect_language(str(document.get("lyrics") or "")) is None:
        return document
    return {**document, "language": None}


def _describe(params: SongParams) -> str:
    return " · ".join(part for part in (params.title, params.genre, params.mood) if part)


def _file_title(params: SongParams) -> str:
    """What names a song's files: its title; without one, the first words of its genre and mood, or else of
    its lyrics (their section tags left out)."""
    if params.title:
        return params.title
    described = " ".join(part for part in (params.genre, params.mood) if part)
    return " ".join((described or _SECTION_TAG.sub(" ", params.lyrics)).split()[:_UNTITLED_WORDS])


COVER = InputDerivation(
    derive=lambda graph, roles: _derive(graph, roles.latent_nodes),
    default_strength=COVER_STRENGTH,
    fits=lambda graph, roles: can_derive_audio(graph, roles.latent_nodes),
)


def _derive(graph: dict[str, Any], latent_nodes: tuple[str, ...]) -> None:
    derive_audio_input(graph, latent_nodes)


SONG_KIND: KindSpec[SongParams] = KindSpec(
    kind=SONG,
    params=SongParams,
    shape=SONG_SHAPE,
    apply=apply_song,
    default_workflow="song",
    builtin_template="song.json",
    artifact_folder="audio",
    typical_run_s=60.0,
    screened_texts=lambda p: [p.title or "", p.genre or "", p.mood or "", p.lyrics],
    summary=_describe,
    history_summary=lambda p, raw_input: f"{p.title} — {raw_input}" if p.title else raw_input,
    main_field="lyrics",
    long_main_text=True,
    file_title=_file_title,
    texts=KindTexts(noun="song", plural="songs", command="song", mark="🎵"),
    lighter=Text("kinds.song.lighter", "a shorter song"),
    member_inputs=COUNT_INPUTS,
    inputs={"audio": "optional"},
    derivations={"audio": COVER},
    strength=lambda p: p.strength,
    bound_fields=("language",),
    new_main_text=_new_lyrics,
    offered_values=unsung_language,
)
