"""A /song lyrics form sent back after the bot restarted, or after its 15 minutes, is answered privately:
discord.py would drop it, Discord would show the member only that the interaction failed, and the lyrics
they typed would be lost. The submission carries what was typed, and the form's custom_id the options
(bot/exts/_song_options.py): with both, the song is made from it; otherwise the lyrics are given back.
A refusal's Edit and try again button clicked as late is answered privately too."""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._admission import admit_and_submit
from bot.exts._media import PendingInput
from bot.exts._song_options import FORM_PREFIX, CarriedForm, carried_form
from bot.exts.errors import report_error
from bot.locales import Words, words_for
from bot.ui.given_back import given_back
from bot.ui.replies import reply_privately, user_message_of
from bot.ui.result_modals import answers, text_or_none
from bot.ui.song_modal import LYRICS_FILE_ID, SongDraft
from bot.ui.song_retry import EDIT_AGAIN_PREFIX
from core.errors import UserFacingError
from core.kinds.song import SONG, SongParams


class SongForms(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if custom_id in self.bot.open_forms:
            return  # its own form or button answers it
        kind = interaction.type
        if kind is discord.InteractionType.modal_submit and custom_id.startswith(FORM_PREFIX):
            await self._form_outlived(interaction, data)
        elif kind is discord.InteractionType.component and custom_id.startswith(EDIT_AGAIN_PREFIX):
            # A refusal's Edit and try again: the draft it would open was kept in memory only.
            words = words_for(self.bot, interaction.locale)
            await reply_privately(interaction, words("song.edit_again_expired", song=words.command("song")))

    async def _form_outlived(self, interaction: discord.Interaction, data: dict[str, Any]) -> None:
        custom_id = str(data.get("custom_id", ""))
        values = answers(data)
        draft = SongDraft(
            lyrics=values.get("song:lyrics", ""),
            title=text_or_none(values.get("song:title")),
            genre=text_or_none(values.get("song:genre")),
            mood=text_or_none(values.get("song:mood")),
        )
        carried = carried_form(custom_id)
        try:
            if carried is None or _uploaded(data) or not draft.lyrics.strip():
                await _give_back(interaction, draft)  # a file given in the form was not read: it is theirs
            else:
                await self._make(interaction, draft, carried)
        except Exception as error:  # a listener's errors would otherwise be only logged
            await report_error(interaction, error, where="/song form")

    async def _make(self, interaction: discord.Interaction, draft: SongDraft, carried: CarriedForm) -> None:
        try:
            await admit_and_submit(
                self.bot,
                interaction,
                SONG,
                lambda: _parsed(carried, draft),
                PendingInput.ready(()),
                workflow=carried.workflow,
                raw_input=lambda params: params.lyrics or draft.lyrics,
            )
        except UserFacingError as error:
            words = words_for(self.bot, interaction.locale)
            await _say_with_lyrics(interaction, words, user_message_of(error, words), draft)


async def _parsed(carried: CarriedForm, draft: SongDraft) -> SongParams:
    lyrics, title, genre, mood = draft.lyrics, draft.title, draft.genre, draft.mood
    return carried.options.parse(lyrics_text=lyrics, title=title, genre=genre, mood=mood)


async def _give_back(interaction: discord.Interaction, draft: SongDraft) -> None:
    words = words_for(interaction.client, interaction.locale)
    expired = words("picture_form.expired", command=words.command("song"))
    await _say_with_lyrics(interaction, words, expired, draft)


async def _say_with_lyrics(
    interaction: discord.Interaction, words: Words, said: str, draft: SongDraft
) -> None:
    """``said``, and the typed lyrics under it, or as lyrics.txt when too long (as a refused Cover's)."""
    text, files = given_back(words, said, draft.lyrics, filename="lyrics.txt")
    await reply_privately(interaction, text, files=files)


def _uploaded(data: dict[str, Any]) -> bool:
    """Whether a lyrics file was given in the form's File Upload (components/reference#file-upload)."""

    def walk(components: Any) -> bool:
        for component in components or []:
            if component.get("custom_id") == LYRICS_FILE_ID and component.get("values"):
                return True
            nested = component.get("component")
            if walk(component.get("components")) or (isinstance(nested, dict) and walk([nested])):
                return True
        return False

    return walk(data.get("components"))


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(SongForms(bot))
