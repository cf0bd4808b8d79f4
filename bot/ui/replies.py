"""Telling one person something only they should see, whatever state their interaction is in."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import discord

from bot.locales import Catalogue, Words
from bot.ui.prompt_problems import problems_text
from bot.ui.wording import message_url
from core.errors import ChannelNotAllowed, JobNotFound, UserFacingError
from core.jobs.policy_edits import AlreadyBlocked
from core.jobs.presses import AlreadyOnIt
from core.prompts.errors import PromptError
from core.safety.inputs import InputFlagged

log = logging.getLogger(__name__)

DISCORD_MESSAGE_LIMIT = 2000


def user_message_of(error: UserFacingError, words: Words | None = None) -> str:
    """The error's sentence, with what the core leaves to the front-end (channel mentions) written in;
    in the asker's language (a core sentence given as a plain string, not a core.texts.Text, is English)."""
    if words is None:
        words = Words(Catalogue.shipped())
    if isinstance(error, ChannelNotAllowed) and error.allowed_channel_ids:
        channels = ", ".join(f"<#{c}>" for c in error.allowed_channel_ids)
        return words("refusal.channel_try", channels=channels)
    if isinstance(error, ChannelNotAllowed):
        return words("refusal.channel")
    if isinstance(error, JobNotFound):
        key = "refusal.job_not_found_personal" if error.personal else "refusal.job_not_found"
        return words(key, job_id=error.job_id)
    if isinstance(error, AlreadyOnIt) and error.message is not None:
        return words("results.already_on_it_linked", job_id=error.job_id, link=message_url(error.message))
    if isinstance(error, InputFlagged):
        return words("refusal.flagged_input_everywhere" if error.everywhere else "refusal.flagged_input")
    if isinstance(error, AlreadyBlocked):
        return words("settings.words_already_blocked", words=covered_words(words, error.covered))
    if isinstance(error, PromptError):
        return problems_text(words, error.problems)
    if error.text is not None:
        return words.say(error.text)
    return error.user_message


def covered_words(words: Words, covered: Mapping[str, str]) -> str:
    """Each blocked word given and the listed one that already refuses it, in the asker's language."""
    return ", ".join(
        words("settings.word_covered_by", word=word, by=by) if word.lower() != by else f"“{word}”"
        for word, by in covered.items()
    )


async def reply_privately(
    interaction: discord.Interaction,
    text: str,
    *,
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] = (),
) -> None:
    """An ephemeral answer. A public "thinking…" left by a defer is deleted first, so nobody else sees
    a half-made request (deleting it also keeps Discord from turning the followup into that message)."""
    if len(text) > DISCORD_MESSAGE_LIMIT:  # Discord refuses longer messages outright (400/50035)
        text = text[: DISCORD_MESSAGE_LIMIT - 1] + "…"
    extras: dict[str, Any] = {"files": list(files)}
    if view is not None:
        extras["view"] = view
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True, **extras)
        return
    if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
        try:
            await interaction.delete_original_response()
        except discord.HTTPException as error:
            log.info("interaction %s: could not delete the thinking message (%s)", interaction.id, error)
    await interaction.followup.send(text, ephemeral=True, **extras)
