"""A media input on a command: a file (attachment option) or a link to a message with one (string option).

The download and a look at the file's header run once, as a task, and every attempt to decide the request
awaits that same task: when the first attempt runs out of Discord's answering budget (see ``_admission``)
the second does not download the file again. A refusal (too large, not a picture, a link it may not
follow) is a ``UserFacingError`` raised in time for a private answer when the file is quick to read.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import discord

from bot.client import ComfyBot
from bot.inputs.discord_files import DiscordFiles, FetchedFile
from bot.locales import words_for
from core.errors import UserFacingError
from core.inputs.sniffing import sniff_input
from core.jobs.given_input import ROLE_MEDIA, GivenInput
from core.texts import Text


@dataclass(frozen=True, slots=True)
class MediaSlot:
    """How a command offers one input: its workflow role, the options' names, how it is spoken of."""

    role: str  # the workflow slot it fills ("image", "audio")
    media: str  # the start of its content type ("image", "audio"): picks among a message's files
    noun: str  # "picture", "song"
    option: str  # the attachment option
    link_option: str | None  # the message-link option (None: a file only)


# A message link is about 90 characters; room for a pasted sentence around it.
LINK_OPTION_MAX = 300
PICTURE = MediaSlot("image", "image", "picture", "image", "image_link")
RECORDING = MediaSlot("audio", "audio", "song", "audio", "audio_link")
# An inpainting workflow's LoadImageMask: a file made for that one picture, so attached, never linked.
MASK = MediaSlot("mask", "image", "mask", "mask", None)


def _said(interaction: discord.Interaction, slot: MediaSlot, key: str) -> str:
    """A refusal about this input, in the member's language, naming the options as their client shows
    them (`bild`, `bild_link` for a German client of /imagine)."""
    words = words_for(interaction.client, interaction.locale)
    command = interaction.command.qualified_name.replace(" ", ".") if interaction.command else ""
    return words(
        key,
        noun=words(f"media.{slot.noun}"),
        option=words.option(command, slot.option),
        link_option=words.option(command, slot.link_option) if slot.link_option else "",
    )


def chosen_source(
    interaction: discord.Interaction,
    slot: MediaSlot,
    attachment: discord.Attachment | None,
    link: str | None,
    *,
    required: bool,
) -> discord.Attachment | str | None:
    """The one source the member gave, or a friendly refusal for both or (when required) neither."""
    if attachment is not None and link:
        raise UserFacingError(_said(interaction, slot, "media.both"))
    if attachment is None and not link and required:
        raise UserFacingError(_said(interaction, slot, "media.neither"))
    return attachment if attachment is not None else (link or None)


def strength_without_input(interaction: discord.Interaction, slot: MediaSlot) -> UserFacingError:
    return UserFacingError(_said(interaction, slot, "media.strength_alone"))


def move_without_input(interaction: discord.Interaction, slot: MediaSlot) -> UserFacingError:
    """--zoom or --pan with no picture to zoom out of or pan."""
    return UserFacingError(_said(interaction, slot, "media.move_alone"))


class PendingInput:
    """The input being fetched and inspected; ``given()`` may be awaited again after a cancelled wait."""

    def __init__(self, task: asyncio.Task[GivenInput] | None) -> None:
        self._task = task
        self._ready: tuple[GivenInput, ...] | None = None

    @classmethod
    def ready(cls, inputs: tuple[GivenInput, ...]) -> PendingInput:
        """Inputs read earlier (before a form opened, say): nothing left to fetch."""
        pending = cls(None)
        pending._ready = inputs
        return pending

    @property
    def given_any(self) -> bool:
        return self._task is not None or bool(self._ready)

    async def inputs(self) -> tuple[GivenInput, ...]:
        if self._task is None:
            return self._ready or ()
        return (await asyncio.shield(self._task),)


@contextlib.asynccontextmanager
async def media_input(
    bot: ComfyBot,
    interaction: discord.Interaction,
    slot: MediaSlot,
    attachment: discord.Attachment | None,
    link: str | None,
    *,
    required: bool = False,
) -> AsyncIterator[PendingInput]:
    """Starts reading the member's input (if any); whatever happens, nothing keeps running after."""
    source = chosen_source(interaction, slot, attachment, link, required=required)
    task = None
    if source is not None:
        task = asyncio.create_task(_fetch(bot, interaction, slot, source), name=f"fetch-{slot.role}")
    try:
        yield PendingInput(task)
    finally:
        if task is not None and not task.done():
            task.cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _fetch(
    bot: ComfyBot, interaction: discord.Interaction, slot: MediaSlot, source: discord.Attachment | str
) -> GivenInput:
    runtime = bot.runtime
    files = DiscordFiles(runtime.http, max_bytes=runtime.config.input_limits.max_bytes)
    fetched: FetchedFile
    if isinstance(source, discord.Attachment):
        fetched = await files.attachment(source, what=Text(f"download.what.{slot.noun}", slot.noun))
    else:
        fetched = await files.linked(
            interaction, source, media=slot.media, what=Text(f"download.what.{slot.noun}", slot.noun)
        )
    source_job = None
    if fetched.own_message_id is not None and interaction.guild_id is not None:
        # A link to one of the bot's results: the new job comes from that job, and says so.
        shown = await runtime.browser.job_for_message(fetched.own_message_id, guild_id=interaction.guild_id)
        source_job = shown.id if shown is not None else None
    given = GivenInput(
        slot.role,
        fetched.data,
        fetched.declared_name,
        fetched.origin,
        source_url=fetched.source_url,
        source_job_id=source_job,
    )
    # Its header, read now, answers "that is not a picture" before Discord's answer is due; the job
    # service decodes it whole on submit.
    await asyncio.to_thread(
        sniff_input,
        given.data,
        given.declared_name,
        accepted={ROLE_MEDIA[slot.role]},
        limits=runtime.config.input_limits,
    )
    return given
