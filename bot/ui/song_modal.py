"""The lyrics form /song opens when no lyrics file is attached: slash options cannot hold multi-line text.

Beside the paragraph, a File Upload (inside a Label, as Discord requires: components/reference#file-upload)
takes a lyrics file instead, so a phone can pick a .txt or .json song document too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from core.kinds.fields import LABEL_MAX_CHARS, LYRICS_MAX_CHARS

FORM_PREFIX = "song:form:"
LYRICS_FILE_ID = "song:lyrics_file"


@dataclass(frozen=True, slots=True)
class SongDraft:
    """What a member typed into the form (or gave as options), kept so a refusal loses none of it."""

    lyrics: str = ""
    title: str | None = None
    genre: str | None = None
    mood: str | None = None


def _fitted(text: str | None) -> str | None:
    return text[:LABEL_MAX_CHARS] if text else None


LYRICS_PLACEHOLDER = "[verse]\nFirst lines…\n[chorus]\nThe part everyone sings…"


class SongModal(discord.ui.Modal, title="Write your song"):
    lyrics: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
        label="Lyrics ([verse], [chorus], [bridge]…)",
        custom_id="song:lyrics",
        style=discord.TextStyle.paragraph,
        placeholder=LYRICS_PLACEHOLDER,
        max_length=LYRICS_MAX_CHARS,
        required=False,
    )
    lyrics_file: discord.ui.Label[SongModal] = discord.ui.Label(
        text="…or a lyrics file",
        description="A .txt file, or a .json song document, instead of typing the lyrics",
        component=discord.ui.FileUpload(custom_id=LYRICS_FILE_ID, required=False, max_values=1),
    )
    title_field: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
        label="Title", custom_id="song:title", max_length=LABEL_MAX_CHARS, required=False
    )
    genre: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
        label="Genre / style",
        custom_id="song:genre",
        placeholder="synthpop, lo-fi, orchestral…",
        max_length=LABEL_MAX_CHARS,
        required=False,
    )
    mood: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
        label="Mood",
        custom_id="song:mood",
        placeholder="uplifting, melancholic…",
        max_length=LABEL_MAX_CHARS,
        required=False,
    )

    def __init__(
        self,
        on_submit: Callable[[discord.Interaction, SongModal], Awaitable[None]],
        on_error: Callable[[discord.Interaction, Exception], Awaitable[None]],
        *,
        draft: SongDraft,
        opened_by: int,
    ) -> None:
        # discord.py finds an open form by its custom_id alone: one per opening interaction, so two
        # members' forms never answer each other (with one shared id, the latest form took every answer).
        super().__init__(timeout=15 * 60, custom_id=f"{FORM_PREFIX}{opened_by}")
        self._on_submit = on_submit
        self._on_error = on_error
        # Discord refuses a pre-filled value longer than the field allows: what was typed always fits.
        self.lyrics.default = draft.lyrics[:LYRICS_MAX_CHARS] or None
        self.title_field.default = _fitted(draft.title)
        self.genre.default = _fitted(draft.genre)
        self.mood.default = _fitted(draft.mood)

    def draft(self) -> SongDraft:
        """What is in the form now, to open it again filled in if the request is refused."""
        return SongDraft(
            lyrics=self.lyrics.value,
            title=self.text(self.title_field),
            genre=self.text(self.genre),
            mood=self.text(self.mood),
        )

    def uploaded(self) -> discord.Attachment | None:
        """The lyrics file given in the form, if any."""
        upload = self.lyrics_file.component
        values = upload.values if isinstance(upload, discord.ui.FileUpload) else []
        return values[0] if values else None

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_submit(interaction, self)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await self._on_error(interaction, error)

    @staticmethod
    def text(field: discord.ui.TextInput[SongModal]) -> str | None:
        return field.value.strip() or None
