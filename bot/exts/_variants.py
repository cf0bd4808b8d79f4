"""The other jobs of a permutation prompt (`a {red, blue} bird`): each on a followup message of the command.

The first job takes the command's "thinking…" response as any job does. The others follow once it shows
its job: Discord turns the first followup after a deferred response into that response ("Create Followup
Message", https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message),
which would lose the first job's message. Each followup is made public or private as the response was, and
its job is edited there through the interaction's token, by the message's id.

Admission counted every job before the response, but the queue moves on meanwhile: a job refused now (the
member's cap filled from elsewhere, the server's rate) takes its placeholder away and stops the rest, and
the member hears privately which prompts were not queued. Nothing here may reach the command's error path:
that deletes a "thinking…" response, which is the first job's message by now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.client import ComfyBot
from bot.exts._submit import Answer, submit_and_show
from bot.exts.errors import message_for
from bot.locales import Words, words_for
from bot.ui.replies import DISCORD_MESSAGE_LIMIT
from core.jobs.given_input import GivenInput
from core.kinds import KindParams

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Variant:
    """One prompt of a permutation prompt, as typed (its flags still in it), and what it was read as."""

    typed: str
    params: KindParams
    workflow: str | None


async def submit_variants(
    bot: ComfyBot,
    interaction: discord.Interaction,
    answer: Answer,
    variants: Sequence[Variant],
    *,
    inputs: tuple[GivenInput, ...],
    after_job_id: int,
) -> None:
    """Each variant submitted and shown on a followup of its own, after job `after_job_id` is shown."""
    if not variants:
        return
    words = words_for(bot, interaction.locale)
    await bot.reporter.wait_shown(after_job_id)
    for index, variant in enumerate(variants):
        try:
            placeholder = await interaction.followup.send(
                view=_placeholder(words, variant), ephemeral=answer.private, wait=True
            )
        except discord.HTTPException as error:
            log.warning("interaction %s: no followup for a permutation (%s)", interaction.id, error.status)
            return await _not_queued(interaction, words, variants[index:], None)
        try:
            await submit_and_show(
                bot,
                interaction,
                Answer(placeholder.id, answer.private),
                params=variant.params,
                raw_input=variant.typed,
                workflow=variant.workflow,
                inputs=inputs,
                followup=True,
            )
        except Exception as refusal:  # a refusal, or a bug (logged with an id by message_for)
            await _forget(placeholder)
            reason = message_for(refusal, where="a permutation's job", words=words)
            return await _not_queued(interaction, words, variants[index:], reason)


def _placeholder(words: Words, variant: Variant) -> discord.ui.LayoutView:
    """What the followup says until its job's first edit: its prompt, on its way to the queue."""
    view = discord.ui.LayoutView()
    view.add_item(discord.ui.TextDisplay(words("permutations.placeholder", prompt=variant.typed)[:4000]))
    return view


async def _forget(placeholder: discord.WebhookMessage) -> None:
    try:
        await placeholder.delete()
    except discord.HTTPException as error:
        log.info("could not delete a refused permutation's placeholder (%s)", error.status)


async def _not_queued(
    interaction: discord.Interaction, words: Words, left: Sequence[Variant], reason: str | None
) -> None:
    listed = "\n".join(f"• {variant.typed}" for variant in left)
    text = words("permutations.not_queued", count=len(left), prompts=listed)
    if reason is not None:
        text = f"{reason}\n{text}"
    try:
        await interaction.followup.send(text[:DISCORD_MESSAGE_LIMIT], ephemeral=True)
    except discord.HTTPException as error:
        log.warning("interaction %s: could not say which prompts were not queued (%s)", interaction.id, error)
