"""/song: lyrics (typed in a form, or an attached .txt / .json file) and a style become two takes."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._admission import admit_and_submit, check_admission, refuse_if_known_in_time
from bot.exts._installs import offered_everywhere
from bot.exts._media import LINK_OPTION_MAX, RECORDING, PendingInput, media_input, strength_without_input
from bot.exts._song_options import SongOptions, form_custom_id
from bot.exts._submit import LYRICS_FILE, read_attachment, workflow_choices
from bot.exts.errors import report_error
from bot.locales import words_for
from bot.ui.replies import reply_privately, user_message_of
from bot.ui.requesters import guild_id_of
from bot.ui.song_modal import SongDraft, SongModal
from bot.ui.song_retry import EditAgain, lyrics_files, refusal_text
from bot.ui.typed_command import gives_back
from core.errors import UserFacingError
from core.jobs.given_input import GivenInput
from core.kinds.song import SONG, TEMPO_RANGE, SongParams
from core.texts import Text

TimeSignature = Literal["2/4", "3/4", "4/4", "6/8"]


@dataclass(frozen=True, slots=True)
class CoverSource:
    """The song to cover, as the command gave it; ``known`` once read before the lyrics form opened."""

    attachment: discord.Attachment | None = None
    link: str | None = None
    known: tuple[GivenInput, ...] | None = None

    @property
    def given(self) -> bool:
        return self.attachment is not None or self.link is not None

    @contextlib.asynccontextmanager
    async def reading(self, bot: ComfyBot, interaction: discord.Interaction) -> AsyncIterator[PendingInput]:
        if self.known is not None:
            yield PendingInput.ready(self.known)
            return
        async with media_input(bot, interaction, RECORDING, self.attachment, self.link) as pending:
            yield pending


class Song(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="song",
        description="Make a song from lyrics and a style.",
        extras=gives_back("title", "genre", "mood"),  # the lyrics: in a form or a file, kept there
    )
    @offered_everywhere
    @app_commands.describe(
        title="The song's title",
        genre="Genre or style, e.g. synthpop",
        mood="How it should feel",
        tempo="Beats per minute, e.g. 120",
        key="Musical key, e.g. C major or F# minor",
        time_signature="Beats per bar",
        language="Language of the lyrics, e.g. ja or Japanese (default: read from them)",
        duration="Length in seconds (or m:ss)",
        lyrics_file="Lyrics as a .txt file, or a .json song document",
        workflow="Which song workflow to use",
        audio="A song to cover: sung again with these lyrics and style",
        audio_link="Or a link to a message with the song (Copy Message Link)",
        strength="How far the cover moves from the song: 0 keeps it, 1 ignores it",
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
        language: app_commands.Range[str, 1, 30] | None = None,
        duration: app_commands.Range[str, 1, 10] | None = None,
        lyrics_file: discord.Attachment | None = None,
        workflow: str | None = None,
        audio: discord.Attachment | None = None,
        audio_link: app_commands.Range[str, 1, LINK_OPTION_MAX] | None = None,
        strength: app_commands.Range[float, 0.0, 1.0] | None = None,
    ) -> None:
        options = SongOptions(tempo, key, time_signature, duration, strength, language=language)
        cover = CoverSource(audio, audio_link)
        async with cover.reading(self.bot, interaction) as recording:
            if strength is not None and not recording.given_any:
                raise strength_without_input(interaction, RECORDING)
            if lyrics_file is None:
                # The options, the guild's rules and the song to cover are checked now, before anyone
                # types lyrics; a song read in time is kept for the form.
                asked = options.parse(title=title, genre=genre, mood=mood)
                known: list[tuple[GivenInput, ...]] = []

                async def check() -> None:
                    # With the options: a language no backend's encoder lists is refused now too.
                    await check_admission(self.bot, interaction, SONG, workflow=workflow, params=asked)
                    known.append(await recording.inputs())

                await refuse_if_known_in_time(interaction, check)
                cover = replace(cover, known=known[0]) if known else cover
                draft = SongDraft(title=title, genre=genre, mood=mood)
                await self._open_form(interaction, draft, options=options, workflow=workflow, cover=cover)
                return
            attached = lyrics_file

            async def parse() -> SongParams:
                content = await read_attachment(self.bot, attached, LYRICS_FILE)
                return options.parse(
                    lyrics_file=(attached.filename, content), title=title, genre=genre, mood=mood
                )

            await admit_and_submit(
                self.bot,
                interaction,
                SONG,
                parse,
                recording,
                workflow=workflow,
                raw_input=lambda params: params.lyrics or (title or ""),
            )

    async def _open_form(
        self,
        interaction: discord.Interaction,
        draft: SongDraft,
        *,
        options: SongOptions,
        workflow: str | None,
        cover: CoverSource,
    ) -> None:
        modal = SongModal(
            functools.partial(self._form_submitted, options=options, workflow=workflow, cover=cover),
            functools.partial(report_error, where="/song form"),
            draft=draft,
            custom_id=form_custom_id(interaction.id, options, workflow=workflow, covering=cover.given),
            forms=self.bot.open_forms,
            words=words_for(self.bot, interaction.locale),
        )
        await interaction.response.send_modal(modal)

    async def _form_submitted(
        self,
        interaction: discord.Interaction,
        modal: SongModal,
        *,
        options: SongOptions,
        workflow: str | None,
        cover: CoverSource,
    ) -> None:
        draft = modal.draft()
        uploaded = modal.uploaded()
        try:
            async with cover.reading(self.bot, interaction) as recording:
                await admit_and_submit(
                    self.bot,
                    interaction,
                    SONG,
                    lambda: _form_params(self.bot, options, draft, uploaded),
                    recording,
                    workflow=workflow,
                    raw_input=lambda params: params.lyrics or draft.lyrics,
                )
        except UserFacingError as error:
            # Whatever went wrong, what the member typed is not lost.
            words = words_for(self.bot, interaction.locale)
            reopen = functools.partial(self._open_form, options=options, workflow=workflow, cover=cover)
            await reply_privately(
                interaction,
                refusal_text(words, user_message_of(error, words), draft),
                view=EditAgain(reopen, draft, words, refused=interaction.id, forms=self.bot.open_forms),
                files=lyrics_files(draft),
            )

    @song.autocomplete("workflow")
    async def _workflow(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return workflow_choices(self.bot, SONG, current, scope=guild_id_of(interaction))


async def _form_params(
    bot: ComfyBot, options: SongOptions, draft: SongDraft, uploaded: discord.Attachment | None
) -> SongParams:
    """The form's answer: the typed lyrics, or the lyrics file given in its upload (not both)."""
    if uploaded is None:
        return options.parse(lyrics_text=draft.lyrics, title=draft.title, genre=draft.genre, mood=draft.mood)
    if draft.lyrics.strip():
        raise UserFacingError(
            Text("song.lyrics_twice", "Give the lyrics typed or as a file, not both: clear one of them.")
        )
    content = await read_attachment(bot, uploaded, LYRICS_FILE)
    return options.parse(
        lyrics_file=(uploaded.filename, content), title=draft.title, genre=draft.genre, mood=draft.mood
    )


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(Song(bot))
