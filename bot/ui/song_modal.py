"""The lyrics form /song opens when no lyrics file is attached: slash options cannot hold multi-line text.

Beside the paragraph, a File Upload (inside a Label, as Discord requires: components/reference#file-upload)
takes a lyrics file instead, so a phone can pick a .txt or .json song document too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.locales import Words, english
from bot.ui.open_forms import OpenForms
from bot.ui.tracked_modal import TrackedModal
from core.kinds.fields import LABEL_MAX_CHARS, LYRICS_MAX_CHARS

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


class SongModal(TrackedModal):
    """Its fields are made for each opening, in the asker's language."""

    def __init__(
        self,
        on_submit: Callable[[discord.Interaction, SongModal], Awaitable[None]],
        on_error: Callable[[discord.Interaction, Exception], Awaitable[None]],
        *,
        draft: SongDraft,
        custom_id: str,
        forms: OpenForms,
        words: Words | None = None,
    ) -> None:
        # discord.py finds an open form by its custom_id alone: one per opening interaction, so two
        # members' forms never answer each other (with one shared id, the latest form took every answer).
        say = words or english()
        super().__init__(
            title=say("song_form.title"), custom_id=custom_id, timeout=15 * 60, forms=forms, on_error=on_error
        )
        self._on_submit = on_submit
        self._fields(say)
        # Discord refuses a pre-filled value longer than the field allows: what was typed always fits.
        self.lyrics.default = draft.lyrics[:LYRICS_MAX_CHARS] or None
        self.title_field.default = _fitted(draft.title)
        self.genre.default = _fitted(draft.genre)
        self.mood.default = _fitted(draft.mood)

    def _fields(self, words: Words) -> None:
        self.lyrics: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
            label=words("song_form.lyrics"),
            custom_id="song:lyrics",
            style=discord.TextStyle.paragraph,
            placeholder=words("song_form.lyrics_example"),
            max_length=LYRICS_MAX_CHARS,
            required=False,
        )
        self.lyrics_file: discord.ui.Label[SongModal] = discord.ui.Label(
            text=words("song_form.file"),
            description=words("song_form.file_help"),
            component=discord.ui.FileUpload(custom_id=LYRICS_FILE_ID, required=False, max_values=1),
        )
        self.title_field: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
            label=words("song_form.song_title"),
            custom_id="song:title",
            max_length=LABEL_MAX_CHARS,
            required=False,
        )
        self.genre: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
            label=words("forms.genre"),
            custom_id="song:genre",
            placeholder=words("song_form.genre_example"),
            max_length=LABEL_MAX_CHARS,
            required=False,
        )
        self.mood: discord.ui.TextInput[SongModal] = discord.ui.TextInput(
            label=words("forms.mood"),
            custom_id="song:mood",
            placeholder=words("song_form.mood_example"),
            max_length=LABEL_MAX_CHARS,
            required=False,
        )
        for item in (self.lyrics, self.lyrics_file, self.title_field, self.genre, self.mood):
            self.add_item(item)

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

    async def answered(self, interaction: discord.Interaction) -> None:
        await self._on_submit(interaction, self)

    @staticmethod
    def text(field: discord.ui.TextInput[SongModal]) -> str | None:
        return field.value.strip() or None
