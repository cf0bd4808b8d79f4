"""What a refused /song form leaves the member: their words, one click from the form filled in again.

Discord does not let a bot answer a form with a form, so the refusal carries a button that opens it
again, pre-filled. The lyrics also come as a file, which outlives the button (15 minutes, or a restart)
and can be attached to `/song lyrics_file:` as it is.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable

import discord

from bot.locales import Words
from bot.ui.open_forms import OpenForms
from bot.ui.song_modal import SongDraft

FORM_KEPT_S = 15 * 60
# The button's custom_id names the answer it came with; one clicked after a restart, or after its 15 minutes,
# is answered by bot.exts.song_forms instead of failing.
EDIT_AGAIN_PREFIX = "song:edit_again:"


class EditAgain(discord.ui.View):
    def __init__(
        self,
        open_form: Callable[[discord.Interaction, SongDraft], Awaitable[None]],
        draft: SongDraft,
        words: Words,
        *,
        refused: int,
        forms: OpenForms,
    ) -> None:
        super().__init__(timeout=FORM_KEPT_S)
        self._open_form = open_form
        self._draft = draft
        self.edit_again.label = words("song.edit_again")
        # Each refusal's button belongs to its own draft: its id names the interaction it answered.
        self.edit_again.custom_id = f"{EDIT_AGAIN_PREFIX}{refused}"
        self._forms = forms
        forms.opened(self.edit_again.custom_id)

    async def on_timeout(self) -> None:
        self._forms.closed(self.edit_again.custom_id or "")  # discord.py has dropped it

    @discord.ui.button(label="…", emoji="✏️")
    async def edit_again(
        self, interaction: discord.Interaction, button: discord.ui.Button[EditAgain]
    ) -> None:
        await self._open_form(interaction, self._draft)


def refusal_text(words: Words, user_message: str, draft: SongDraft) -> str:
    if not draft.lyrics.strip():
        return user_message
    kept = words(
        "song.lyrics_kept",
        button=words("song.edit_again"),
        song=words.command("song"),
        lyrics_file=words.option("song", "lyrics_file"),
    )
    return f"{user_message}\n\n{kept}"


def lyrics_files(draft: SongDraft) -> list[discord.File]:
    if not draft.lyrics.strip():
        return []
    return [discord.File(io.BytesIO(draft.lyrics.encode()), filename="lyrics.txt")]
