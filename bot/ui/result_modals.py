"""The forms a result's buttons open: Remix (the prompt to change), Edit (an instruction), Cover (new style
and lyrics), Custom Zoom (the prompt and how far out). Each is pre-filled with the result's own words.

A form's custom_id names the form, the job and the file (`remix:123:0`), and the form is never kept in
discord.py's view store: its answer is read from the interaction by `bot/exts/result_actions.py`, so a form
opened before a restart is still answered after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import discord

from bot.locales import Words
from core.errors import UserFacingError
from core.jobs.derived import ACTIONS, ResultAction
from core.kinds import JobKind
from core.kinds.fields import LABEL_MAX_CHARS, LYRICS_MAX_CHARS, NEGATIVE_MAX_CHARS, PROMPT_MAX_CHARS
from core.kinds.outpaint import MAX_ZOOM
from core.prompts.typed_text import retyped_prompt
from core.texts import Text

FORM_ID = re.compile(r"(?P<form>remix|edit|cover|zoom):(?P<job_id>\d+):(?P<index>\d+)")
INSTRUCTION_MAX_CHARS = PROMPT_MAX_CHARS


class Form(StrEnum):
    REMIX = "remix"
    EDIT = "edit"
    COVER = "cover"
    ZOOM = "zoom"


def form_custom_id(form: Form, job_id: int, index: int) -> str:
    return f"{form.value}:{job_id}:{index}"


def _field(
    custom_id: str,
    label: str,
    *,
    default: str | None = None,
    max_length: int,
    paragraph: bool = False,
    required: bool = False,
    placeholder: str | None = None,
) -> discord.ui.TextInput[discord.ui.Modal]:
    return discord.ui.TextInput(
        custom_id=custom_id,
        label=label,
        # Discord refuses a pre-filled value longer than the field allows.
        default=default[:max_length] if default else None,
        max_length=max_length,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        required=required,
        placeholder=placeholder,
    )


def _modal(
    title: str, custom_id: str, fields: Iterable[discord.ui.TextInput[discord.ui.Modal]]
) -> discord.ui.Modal:
    modal = discord.ui.Modal(title=title, custom_id=custom_id, timeout=None)
    for field in fields:
        modal.add_item(field)
    # Stopped: discord.py does not keep it, so the answer reaches the listener, today or after a restart.
    modal.stop()
    return modal


def _strength_field(words: Words, default: float) -> discord.ui.TextInput[discord.ui.Modal]:
    return _field(
        "strength",
        words("forms.strength"),
        default=f"{default:g}",
        max_length=5,
        placeholder="0.7",
    )


def _prompt_field(words: Words, kind: JobKind, prompt: str) -> discord.ui.TextInput[discord.ui.Modal]:
    return _field(
        "prompt",
        words("forms.prompt"),
        default=retyped_prompt(kind, prompt),  # sent back as it is, it is this one prompt again
        max_length=PROMPT_MAX_CHARS,
        paragraph=True,
        required=True,
    )


def remix_modal(
    words: Words,
    job_id: int,
    index: int,
    *,
    kind: JobKind,
    prompt: str,
    negative: str | None,
    strength: float,
) -> discord.ui.Modal:
    """Remix: the prompt (read as a prompt of `kind`), negative prompt and strength to change."""
    return _modal(
        words("forms.remix"),
        form_custom_id(Form.REMIX, job_id, index),
        [
            _prompt_field(words, kind, prompt),
            _field(
                "negative_prompt",
                words("forms.negative"),
                default=negative,
                max_length=NEGATIVE_MAX_CHARS,
            ),
            _strength_field(words, strength),
        ],
    )


def edit_modal(words: Words, job_id: int, index: int) -> discord.ui.Modal:
    return _modal(
        words("forms.edit"),
        form_custom_id(Form.EDIT, job_id, index),
        [
            _field(
                "instruction",
                words("forms.what_changes"),
                max_length=INSTRUCTION_MAX_CHARS,
                paragraph=True,
                required=True,
                placeholder=words("forms.what_changes_example"),
            )
        ],
    )


def cover_modal(
    words: Words,
    job_id: int,
    index: int,
    *,
    lyrics: str,
    genre: str | None,
    mood: str | None,
    strength: float,
) -> discord.ui.Modal:
    return _modal(
        words("forms.cover"),
        form_custom_id(Form.COVER, job_id, index),
        [
            _field("genre", words("forms.genre"), default=genre, max_length=LABEL_MAX_CHARS),
            _field("mood", words("forms.mood"), default=mood, max_length=LABEL_MAX_CHARS),
            _field(
                "lyrics", words("forms.lyrics"), default=lyrics, max_length=LYRICS_MAX_CHARS, paragraph=True
            ),
            _strength_field(words, strength),
        ],
    )


def zoom_modal(words: Words, job_id: int, index: int, *, kind: JobKind, prompt: str) -> discord.ui.Modal:
    """Midjourney's Custom Zoom: the prompt to draw around the picture with, and how far out."""
    return _modal(
        words("forms.zoom"),
        form_custom_id(Form.ZOOM, job_id, index),
        [
            _prompt_field(words, kind, prompt),
            _field(
                "zoom",
                words("forms.zoom_by"),
                default=f"{ACTIONS[ResultAction.ZOOM_CUSTOM].changes['zoom']:g}",
                max_length=4,
                required=True,
                placeholder=words("forms.zoom_example"),
            ),
        ],
    )


def answers(data: Any) -> dict[str, str]:
    """A submitted form's values by field custom_id, from action rows or labels (components V2)."""
    found: dict[str, str] = {}

    def walk(components: Any) -> None:
        for component in components or []:
            if "custom_id" in component and isinstance(component.get("value"), str):
                found[component["custom_id"]] = component["value"]
            walk(component.get("components"))
            if isinstance(component.get("component"), dict):
                walk([component["component"]])

    walk((data or {}).get("components"))
    return found


def text_or_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def strength_of(value: str | None) -> float | None:
    """The strength typed in a form (blank: the action's own); a friendly refusal for anything else."""
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        strength = float(text)
    except ValueError:
        raise UserFacingError(
            Text(
                "forms.strength_not_a_number",
                f"Strength must be a number from 0 to 1, like 0.6 (not “{text}”).",
                {"text": text},
            )
        ) from None
    if not 0.0 <= strength <= 1.0:
        raise UserFacingError(
            Text(
                "forms.strength_out_of_range",
                f"Strength must be from 0 to 1, like 0.6 (not {text}).",
                {"text": text},
            )
        )
    return strength


def zoom_of(value: str | None) -> float:
    """How far out a Custom Zoom goes (over 1, up to 2; "1,5" too); a friendly refusal for anything else."""
    typed = (value or "").strip()
    try:
        zoom = float(typed.replace(",", "."))
    except ValueError:
        zoom = float("nan")
    if not 1.0 < zoom <= MAX_ZOOM:  # false for nan too
        raise UserFacingError(
            Text(
                "forms.zoom_out_of_range",
                f"Zoom out by a number over 1, up to 2, like 1.5 (not “{typed}”).",
                {"text": typed},
            )
        )
    return zoom
