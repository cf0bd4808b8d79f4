"""Answering a generating command: a refusal private from its first byte, within Discord's 3 seconds.

Discord shows whatever the first answer to an interaction is: a public "thinking…" in a channel the bot
will not serve, followed by a private refusal, has already told the channel. So parsing, the download of
an attached document and the guild's rules run before the answer, for as long as the budget allows; a
refusal then goes out as a private message (type 4, ephemeral) and nothing public is ever made. If they
take longer (a slow database, a slow download), the answer is the usual defer and the work goes on after
it: the 3-second deadline wins over privacy, and the refusal deletes its "thinking…".

Whether the job's reply is private (core.jobs.privacy) is read first: an ephemeral reply must be ephemeral
from its first answer. That read is one primary-key row, so it may run a little past the decision budget
(`PRIVACY_KNOWN_BY_S` from the creation), and a late interaction, which has no decision time left, still
learns it; only a read slower still answers privately without knowing: a public answer cannot be taken
back, a private one only shows less.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

from bot.client import ComfyBot
from bot.exts._media import PendingInput
from bot.exts._submit import Answer, defer_reply, preferred_workflow, submit_and_show, wants_private
from bot.ui.requesters import guild_id_of, requester_from_interaction
from core.jobs.admission import Ask
from core.jobs.given_input import GivenInput
from core.jobs.service import SubmitReceipt
from core.kinds import JobKind, KindParams

# Of Discord's 3 s from the interaction's creation: the event reached us some time after it, and the
# answer itself needs a round trip. Counted from the creation (the interaction id's time), not from when
# this handler started: a burst of commands on a busy machine reaches the handlers late, and a budget
# counted from there answered some of them past Discord's 3 s, which refuses them (the command is lost).
DECIDE_BEFORE_ANSWERING_S = 1.5
# Whether the reply is private is known by then (from the creation), or the reply is private. Half a
# second past the decision, for one primary-key row when the database is slow, still leaves a second for
# the answer to reach Discord.
PRIVACY_KNOWN_BY_S = 2.0

log = logging.getLogger(__name__)


def _decision_budget(interaction: discord.Interaction) -> asyncio.Timeout:
    """What is left of the decision time; nothing when the interaction is already that old (or our clock
    runs ahead of Discord's: then the answer is the public defer at once, late answers being worse)."""
    return _left_of(interaction, DECIDE_BEFORE_ANSWERING_S)


def _left_of(interaction: discord.Interaction, seconds: float) -> asyncio.Timeout:
    age_s = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return asyncio.timeout(min(seconds, max(0.0, seconds - age_s)))


T = TypeVar("T")
P = TypeVar("P", bound=KindParams)


async def decide_then_defer(
    bot: ComfyBot, interaction: discord.Interaction, decide: Callable[[], Awaitable[T]]
) -> tuple[T, Answer]:
    """`decide()`'s result and the "thinking…" reply made after it (private or not, see above).

    Decided inline, after the privacy read: when all it needs is in memory (the usual case) the answer
    leaves right after that one row. A UserFacingError raised in time propagates before anything is
    answered (the error path answers it privately). Past the budget the attempt is dropped, the bot defers
    and decides again; a refusal then propagates after the defer (the error path deletes the "thinking…").
    """
    private = await private_in_time(bot, interaction)
    budget = _decision_budget(interaction)
    try:
        async with budget:
            result = await decide()
    except TimeoutError:
        if not budget.expired():
            raise
        answer = await defer_reply(interaction, private=private)
        return await decide(), answer
    return result, await defer_reply(interaction, private=private)


async def admit_and_submit(
    bot: ComfyBot,
    interaction: discord.Interaction,
    kind: JobKind,
    parse: Callable[[], Awaitable[P]],
    media: PendingInput,
    *,
    workflow: str | None,
    raw_input: Callable[[P], str],
) -> SubmitReceipt:
    """The usual generating command: its parameters parsed, checked against the guild's rules and its
    media read (refused privately when that is known in time, see `decide_then_defer`), then the job
    submitted and shown on the "thinking…" reply. ``raw_input``: what the member gave, from the params."""

    async def decide() -> tuple[P, tuple[GivenInput, ...]]:
        params = await parse()
        await check_admission(bot, interaction, kind, workflow=workflow, params=params)
        return params, await media.inputs()

    (params, inputs), answer = await decide_then_defer(bot, interaction, decide)
    return await submit_and_show(
        bot,
        interaction,
        answer,
        params=params,
        raw_input=raw_input(params),
        workflow=workflow,
        inputs=inputs,
    )


async def private_in_time(bot: ComfyBot, interaction: discord.Interaction) -> bool:
    """Whether the reply is private (see above): private if not known `PRIVACY_KNOWN_BY_S` after the
    interaction's creation."""
    return await private_by_deadline(interaction, lambda: wants_private(bot, interaction))


async def private_by_deadline(interaction: discord.Interaction, read: Callable[[], Awaitable[bool]]) -> bool:
    budget = _left_of(interaction, PRIVACY_KNOWN_BY_S)
    try:
        async with budget:
            return await read()
    except TimeoutError:
        if not budget.expired():
            raise
        log.warning("interaction %s: its privacy was not read in time; answering privately", interaction.id)
        return True


async def refuse_if_known_in_time(
    interaction: discord.Interaction, check: Callable[[], Awaitable[None]]
) -> None:
    """Raise `check()`'s refusal if it comes within the budget; otherwise let the caller go on (a form
    must be the first answer, so it cannot wait longer; the job service checks again on submit)."""
    budget = _decision_budget(interaction)
    try:
        async with budget:
            await check()
    except TimeoutError:
        if not budget.expired():
            raise


async def check_admission(
    bot: ComfyBot,
    interaction: discord.Interaction,
    kind: JobKind,
    *,
    workflow: str | None,
    params: KindParams | None = None,
    count: int = 1,
) -> None:
    """Raise the refusal the job service would give this request now (channel, roles, words, caps...);
    `count`: the jobs asked for at once (a permutation prompt's), each taking a place in the queue."""
    workflow = await preferred_workflow(bot, interaction, kind, workflow)
    requester = requester_from_interaction(interaction)
    ask = Ask(guild_id_of(interaction), requester, kind, workflow, params, count)
    await bot.runtime.service.admission.check(ask)
