"""The jobs of one /imagine: one, or a permutation prompt's (`a {red, blue} bird`), each on a message.

The first job takes the command's response as any job does; the others come on followup messages. Discord
turns the first followup after a deferred ("thinking…") response into that response ("Create Followup
Message", https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message),
so before anything else the response is edited into the first prompt's placeholder: from then on every
followup is a new message, however soon or late the first job's own edit comes (a gateway process's single
edit, a worker's, a slow channel budget). Each followup is public or private as the response is, and its
job is edited there through the interaction's token, by the message's id.

Once the first job is shown, nothing may reach the command's error path: that deletes a "thinking…"
response, which is the first job's message by then. So what fails afterwards is logged, and the member
hears privately which prompts were not queued: admission counted every job before the response, but the
queue moves on meanwhile (the member's cap filled from elsewhere, the server's rate).

Outside the servers the app is installed in, an interaction may send 5 followups at most (the same page):
placeholders, a note, the completion pings and a "not queued" must fit, so a prompt makes 2 jobs there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import discord

from bot.client import ComfyBot
from bot.exts._submit import Answer, request_of, submit_on_interaction
from bot.exts.errors import message_for
from bot.locales import Words, words_for
from bot.ui.replies import DISCORD_MESSAGE_LIMIT
from bot.ui.requesters import guild_id_of
from core.jobs.given_input import GivenInput
from core.jobs.scopes import is_personal
from core.jobs.service import JobRequest
from core.kinds import KindParams
from core.prompts.permutations import MOST_PERMUTATIONS
from core.texts import Text

log = logging.getLogger(__name__)

# Where only 5 followups are allowed (see above): one placeholder, a note, two pings, a "not queued".
MOST_PERSONAL_PERMUTATIONS = 2
# How often the response is read again while a worker has yet to make the first job's first edit.
_THINKING_POLL_S = 0.5


def most_permutations(interaction: discord.Interaction) -> int:
    return MOST_PERSONAL_PERMUTATIONS if is_personal(guild_id_of(interaction)) else MOST_PERMUTATIONS


@dataclass(frozen=True, slots=True)
class Variant:
    """One prompt of the request, as typed (its flags still in it), and what it was read as; `prepared`:
    the whole request made already (one made from a result: its source, its picture)."""

    typed: str
    params: KindParams
    workflow: str | None
    prepared: JobRequest | None = None

    @classmethod
    def of(cls, request: JobRequest) -> Variant:
        return cls(request.raw_input, request.params, request.workflow, request)


async def _request(
    bot: ComfyBot,
    interaction: discord.Interaction,
    answer: Answer,
    variant: Variant,
    inputs: tuple[GivenInput, ...],
) -> JobRequest:
    if variant.prepared is not None:
        return replace(variant.prepared, private=answer.private)
    return await request_of(
        bot,
        interaction,
        answer,
        params=variant.params,
        raw_input=variant.typed,
        workflow=variant.workflow,
        inputs=inputs,
    )


async def submit_variants(
    bot: ComfyBot,
    interaction: discord.Interaction,
    answer: Answer,
    variants: Sequence[Variant],
    *,
    inputs: tuple[GivenInput, ...],
    notes: tuple[Text, ...],
) -> None:
    """Every variant submitted, the first on the response (its refusal goes the usual way: nothing was
    made yet), the others each on a followup; then `notes` about how the request was read, privately."""
    words = words_for(bot, interaction.locale)
    first, others = variants[0], variants[1:]
    held = not (others or notes) or await _hold(interaction, words, first)
    first_request = await _request(bot, interaction, answer, first, inputs)
    receipt = await submit_on_interaction(bot, interaction, answer.message_id, first_request)
    if not (others or notes):
        return
    try:
        if not held and await _still_thinking(bot, interaction, answer, receipt.job.id):
            log.warning("interaction %s: its response still says thinking; nothing follows", interaction.id)
            return
        if notes:
            said = "\n".join(words.say(note) for note in notes)
            await interaction.followup.send(said[:DISCORD_MESSAGE_LIMIT], ephemeral=True)
        if others and held:
            await _submit_others(bot, interaction, answer, words, others, inputs)
        elif others:
            await _not_queued(interaction, words, others, None)
    except Exception:
        log.exception("interaction %s: what follows its first job was not all sent", interaction.id)


async def _hold(interaction: discord.Interaction, words: Words, first: Variant) -> bool:
    """The "thinking…" response made the first prompt's placeholder: no followup can take its place."""
    try:
        await interaction.edit_original_response(view=_placeholder(words, first))
    except discord.HTTPException as error:
        log.warning("interaction %s: the response was not edited (%s)", interaction.id, error.status)
        return False
    return True


async def _still_thinking(
    bot: ComfyBot, interaction: discord.Interaction, answer: Answer, job_id: int
) -> bool:
    """Whether the response is still the deferred "thinking…" once the job's message was shown, or after
    `message_wait_s`. Read from Discord: a gateway process may leave the job's first edit to the worker that
    claimed it, so its own reporter does not know when that comes."""
    await bot.reporter.wait_shown(job_id)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bot.reporting_config.message_wait_s
    while True:
        try:
            response = await interaction.followup.fetch_message(answer.message_id)
        except discord.HTTPException as error:
            log.info("interaction %s: its response was not read (%s)", interaction.id, error.status)
            return True
        if not response.flags.loading or loop.time() >= deadline:
            return response.flags.loading
        await asyncio.sleep(_THINKING_POLL_S)


async def _submit_others(
    bot: ComfyBot,
    interaction: discord.Interaction,
    answer: Answer,
    words: Words,
    others: Sequence[Variant],
    inputs: tuple[GivenInput, ...],
) -> None:
    for index, variant in enumerate(others):
        left = others[index:]
        try:
            placeholder = await interaction.followup.send(
                view=_placeholder(words, variant), ephemeral=answer.private, wait=True
            )
        except discord.HTTPException as error:
            log.warning("interaction %s: no followup for a permutation (%s)", interaction.id, error.status)
            return await _not_queued(interaction, words, left, None)
        try:
            shown_on = Answer(placeholder.id, answer.private)
            request = await _request(bot, interaction, shown_on, variant, inputs)
            # Raises only what kept the job from being made (a failed show is logged there).
            await submit_on_interaction(bot, interaction, placeholder.id, request, followup=True)
        except Exception as refusal:  # a refusal, or a bug (logged with an id by message_for)
            await _forget(placeholder)
            reason = message_for(refusal, where="a permutation's job", words=words)
            return await _not_queued(interaction, words, left, reason)


def _placeholder(words: Words, variant: Variant) -> discord.ui.LayoutView:
    """What a message says until its job's first edit: its prompt, on its way to the queue."""
    view = discord.ui.LayoutView()
    view.add_item(discord.ui.TextDisplay(words("permutations.placeholder", prompt=variant.typed)[:4000]))
    return view


async def _forget(placeholder: discord.WebhookMessage) -> None:
    try:
        await placeholder.delete()
    except discord.HTTPException as error:
        log.info("could not delete a refused permutation's placeholder (%s)", error.status)


def not_queued_text(words: Words, prompts: Sequence[str], reason: str | None) -> str:
    """Why (when known), then the prompts of a permutation that were not queued, one a line."""
    listed = "\n".join(f"• {prompt}" for prompt in prompts)
    text = words("permutations.not_queued", count=len(prompts), prompts=listed)
    return text if reason is None else f"{reason}\n{text}"


async def _not_queued(
    interaction: discord.Interaction, words: Words, left: Sequence[Variant], reason: str | None
) -> None:
    text = not_queued_text(words, [variant.typed for variant in left], reason)
    try:
        await interaction.followup.send(text[:DISCORD_MESSAGE_LIMIT], ephemeral=True)
    except discord.HTTPException as error:
        log.warning("interaction %s: could not say which prompts were not queued (%s)", interaction.id, error)
