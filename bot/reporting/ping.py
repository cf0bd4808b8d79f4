"""Telling the requester that their job has ended: one short message that pings them.

The result itself is an edit of the job's message, and Discord notifies nobody of an edit, whatever it
mentions. So, like Midjourney, the bot sends one new message when a job ends that mentions the requester,
with allowed_mentions naming only them. Members choose with /notify; a guild sets the default with
/settings ping-when-done. Nobody is pinged for a job they cancelled themselves, nor for a result that went
to their direct messages (a DM notifies by itself).

While the job's interaction token lasts, the ping is a followup of that interaction (POST
/webhooks/{application_id}/{token}): "Interaction endpoints are not bound to the bot's Global Rate Limit"
(https://discord.com/developers/docs/topics/rate-limits#global-rate-limit), whereas a channel message spends
one of the bot token's 50 requests a second that every process shares, and the pings were what ran out
first at scale (README, "Running large"). A followup takes Execute Webhook's `content` and
`allowed_mentions` (https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-
message, https://discord.com/developers/docs/resources/webhook#execute-webhook) and, being a new message,
notifies the users allowed_mentions lets through (https://discord.com/developers/docs/resources/message#
allowed-mentions-object); only the followup that replaces a deferred "thinking..." response is an edit and
pings nobody (https://github.com/discord/discord-api-docs/discussions/4140), and a job's response is never
still "thinking" when it ends. Without a live token (the job outlived its 15 minutes, a 🔁 job has no
interaction, a restart kept no token, or the followup was refused) the ping is a reply to the result in
the channel, with the bot token, as before.
"""

from __future__ import annotations

import logging

import discord

from background.log_context import log_context
from bot.locales import Words
from bot.reporting.stored_token import ResponseToken
from bot.ui.wording import kind_noun
from core.jobs.completion_pings import CompletionPings
from core.jobs.snapshots import JobView
from core.jobs.updates import FinalUpdate, JobCancelled, JobCompleted, JobFailed
from core.kinds import spec_of

log = logging.getLogger(__name__)

# A ping follows its result closely; this many later messages are read to find one sent before a restart.
_LOOK_AFTER = 50


def ping_text(words: Words, job: JobView, update: FinalUpdate) -> str | None:
    what = kind_noun(words, spec_of(job.params))
    if isinstance(update, JobCompleted):
        return words("pings.done", user_id=job.user_id, noun=what, job_id=job.id)
    if isinstance(update, JobFailed):
        return words("pings.failed", user_id=job.user_id, noun=what, job_id=job.id)
    if isinstance(update, JobCancelled) and update.by_user_id not in (None, job.user_id):
        return words(
            "pings.cancelled", user_id=job.user_id, noun=what, job_id=job.id, by_user_id=update.by_user_id
        )
    return None


async def ping_requester(
    words: Words,
    pings: CompletionPings,
    job: JobView,
    update: FinalUpdate,
    result: discord.Message | None,
    *,
    maybe_sent: bool = False,
    interaction: ResponseToken | None = None,
) -> discord.Message | None:
    """Best effort: the result is already delivered, so a failed ping is logged, never raised.

    `maybe_sent`: the result is delivered again after a restart, and the ping may have gone out before
    the crash; the messages after the result are read to find it first. `interaction`: the live token of
    the interaction whose response `result` is, for a followup outside the global limit.
    """
    text = ping_text(words, job, update)
    if text is None or result is None or result.channel.id != job.channel_id:
        return None
    if not await pings.wanted(job.guild_id, job.user_id):
        return None
    try:
        if maybe_sent and await _already_pinged(result, _in_every_language(words, job, update)):
            with log_context(job_id=job.id, guild_id=job.guild_id):
                log.info("pinged before the restart already")
            return None
        if interaction is not None:
            sent = await _ping_as_followup(interaction, job, text)
            if sent is not None:
                return sent
        return await result.reply(
            text,
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(job.user_id)], replied_user=False),
            mention_author=False,
        )
    except discord.HTTPException as error:
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
            log.warning("could not ping the requester (%s/%s)", error.status, error.code)
        return None


async def ping_in_followup(
    words: Words,
    pings: CompletionPings,
    job: JobView,
    update: FinalUpdate,
    interaction: ResponseToken | None,
) -> None:
    """Where the app is not installed (a personal scope) the bot cannot post in the channel: the ping is a
    followup through the interaction's token while it lasts (a result that went by DM notifies by itself).
    A private job's ping is an ephemeral followup, seen by its requester alone, like its result."""
    text = ping_text(words, job, update)
    if text is None or interaction is None or not await pings.wanted(job.guild_id, job.user_id):
        return
    try:
        await interaction.followup.send(
            text,
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(job.user_id)]),
            ephemeral=job.private,
        )
    except discord.HTTPException as error:
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
            log.warning("could not ping the requester (%s/%s)", error.status, error.code)


async def _ping_as_followup(interaction: ResponseToken, job: JobView, text: str) -> discord.Message | None:
    """None when Discord refused it (the token ended early, say): the caller pings in the channel instead."""
    try:
        return await interaction.followup.send(
            text, allowed_mentions=discord.AllowedMentions(users=[discord.Object(job.user_id)]), wait=True
        )
    except discord.HTTPException as error:
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
            log.info(
                "the ping's followup was refused (%s/%s); pinging in the channel", error.status, error.code
            )
        return None


def _in_every_language(words: Words, job: JobView, update: FinalUpdate) -> set[str]:
    """This job's ping as each shipped language writes it: the one sent before a restart may be in another
    (a restart redelivers before the gateway has said which language the server reads)."""
    catalogue = words.catalogue
    said = (ping_text(Words(catalogue, language), job, update) for language in catalogue.languages)
    return {text for text in said if text is not None}


async def _already_pinged(result: discord.Message, texts: set[str]) -> bool:
    """This job's ping (`texts`, which name the job: several jobs of one command, a permutation prompt's,
    each have theirs), as a reply or a followup, among the bot's messages right after the result."""
    async for later in result.channel.history(after=result, limit=_LOOK_AFTER, oldest_first=True):
        if later.author.id == result.author.id and later.content in texts:
            return True
    return False
