"""/song: lyrics (typed in a form, or an attached .txt / .json file) and a style become two takes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._admission import check_admission, decide_then_defer, refuse_if_known_in_time
from bot.exts._submit import read_attachment, submit_and_show, workflow_choices
from bot.exts.errors import report_error
from bot.ui.replies import reply_privately, user_message_of
from bot.ui.song_modal import SongDraft, SongModal
from bot.ui.song_retry import EditAgain, lyrics_files, refusal_text
from core.errors import UserFacingError
from core.kinds.song import SONG, TEMPO_RANGE, SongParams
from core.prompts import parse_song_request

TAKES_PER_REQUEST = 2
TimeSignature = Literal["2/4", "3/4", "4/4", "6/8"]


@dataclass(frozen=True, slots=True)
class SongOptions:
    """What the slash command said about the music, kept while the lyrics form is open."""

    tempo: int | None = None
    key: str | None = None
    time_signature: str | None = None
    duration: str | None = None

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
        )


class Song(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(name="song", description="Make a song from lyrics and a style.")
    @app_commands.guild_only()
    @app_commands.describe(
        title="The song's title",
        genre="Genre or style, e.g. synthpop",
        mood="How it should feel",
        tempo="Beats per minute, e.g. 120",
        key="Musical key, e.g. C major or F# minor",
        time_signature="Beats per bar",
        duration="Length in seconds (or m:ss)",
        lyrics_file="Lyrics as a .txt file, or a .json song document",
        workflow="Which song workflow to use",
    )
    async def song(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100] | None = None,
        genre: app_commands.Range[str, 1, 100] | None = None,
        mood: app_commands.Range[str, 1, 100] | None = None,
        tempo: app_commands.Range[int, TEMPO_RANGE[0], TEMPO_RANGE[1]] | None = None,
        key: app_commands.Range[str, 1, 20] | None = None,
        time_signature: TimeSignature | None = None,
        duration: app_commands.Range[str, 1, 10] | None = None,
        lyrics_file: discord.Attachment | None = None,
        workflow: str | None = None,
    ) -> None:
        options = SongOptions(tempo, key, time_signature, duration)
        if lyrics_file is None:
            # The options and the guild's rules are checked now, before anyone types lyrics.
            options.parse(title=title, genre=genre, mood=mood)
            await refuse_if_known_in_time(
                lambda: check_admission(self.bot, interaction, SONG, workflow=workflow)
            )
            draft = SongDraft(title=title, genre=genre, mood=mood)
            await self._open_form(interaction, draft, options=options, workflow=workflow)
            return
        attached = lyrics_file

        async def decide() -> SongParams:
            content = await read_attachment(attached, "lyrics file")
            params = options.parse(
                lyrics_file=(attached.filename, content), title=title, genre=genre, mood=mood
            )
            await check_admission(self.bot, interaction, SONG, workflow=workflow, params=params)
            return params

        params, message_id = await decide_then_defer(interaction, decide)
        await submit_and_show(
            self.bot,
            interaction,
            message_id,
            params=params,
            raw_input=params.lyrics or (title or ""),
            workflow=workflow,
        )

    async def _open_form(
        self,
        interaction: discord.Interaction,
        draft: SongDraft,
        *,
        options: SongOptions,
        workflow: str | None,
    ) -> None:
        modal = SongModal(
            functools.partial(self._form_submitted, options=options, workflow=workflow),
            functools.partial(report_error, where="/song form"),
            draft=draft,
        )
        await interaction.response.send_modal(modal)

    async def _form_submitted(
        self,
        interaction: discord.Interaction,
        modal: SongModal,
        *,
        options: SongOptions,
        workflow: str | None,
    ) -> None:
        draft = modal.draft()

        async def decide() -> SongParams:
            params = options.parse(
                lyrics_text=draft.lyrics, title=draft.title, genre=draft.genre, mood=draft.mood
            )
            await check_admission(self.bot, interaction, SONG, workflow=workflow, params=params)
            return params

        try:
            params, message_id = await decide_then_defer(interaction, decide)
            await submit_and_show(
                self.bot, interaction, message_id, params=params, raw_input=draft.lyrics, workflow=workflow
            )
        except UserFacingError as error:
            # Whatever went wrong, what the member typed is not lost.
            reopen = functools.partial(self._open_form, options=options, workflow=workflow)
            await reply_privately(
                interaction,
                refusal_text(user_message_of(error), draft),
                view=EditAgain(reopen, draft),
                files=lyrics_files(draft),
            )

    @song.autocomplete("workflow")
    async def _workflow(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return workflow_choices(self.bot, SONG, current)


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(Song(bot))
