"""Delivering a job asked for where the app is not installed (a personal scope, core.jobs.scopes).

There the bot's own token reaches nothing: in a server without the bot, or a group DM, the channel answers
403 Missing Access, and a bot may write first only to people it shares a server with (JSON error 50278,
"Cannot send messages to this user due to having no mutual guilds",
https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes). So the job's
message is edited through the interaction's token alone, which lasts 15 minutes ("Interaction tokens are
valid for 15 minutes", https://discord.com/developers/docs/interactions/receiving-and-responding#responding-
to-an-interaction). A user-installed app not installed in the server may send at most 5 followups per
interaction (…#create-followup-message): the bot sends few (a note about the request, a completion ping, a
second batch of files) and a refused one (400/40094) is logged, never retried.

A job that outlives the token: shortly before the token ends the message is turned into a plain sentence
saying where the result will be; when the job ends its result goes by direct message, where the bot may
send one, and otherwise stays in /history (the sentence already said so).

A private job in a server (core.jobs.privacy) is delivered the same way: its reply is ephemeral, which only
the token reaches, and its followups are ephemeral too, each with its own flag ("You can use the EPHEMERAL
message flag 1 << 6 (64) to send a message that only the user can see", …#create-followup-message).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace

import discord

from background.log_context import log_context
from bot.locales import Words
from bot.reporting.stored_token import ResponseToken
from bot.reporting.targets import DEADLINE_REASON, MessageEditor, MessageTarget
from bot.reporting.tracking import JobTrack
from bot.ui.job_layout import notice_layout
from bot.ui.job_messages import Rendering
from core.jobs.scopes import is_personal
from core.jobs.snapshots import JobView

log = logging.getLogger(__name__)


def outlived_text(words: Words, job: JobView) -> str:
    return words(
        "personal.outlived",
        job_id=job.id,
        history=words.command("history"),
        show=words.command("show"),
        job=words.option("show", "job"),
    )


def delivered_by_dm_note(words: Words, job: JobView, *, restarted: bool = False) -> str:
    return words("personal.by_dm_restarted" if restarted else "personal.by_dm", job_id=job.id)


async def say_where_the_result_will_be(words: Words, interaction: ResponseToken, job: JobView) -> bool:
    """The last edit through the token: a plain sentence, without the progress or files (still components V2:
    the flag set by the first edit cannot be cleared)."""
    try:
        await interaction.edit_original_response(
            content=None, embed=None, view=notice_layout(outlived_text(words, job)), attachments=[]
        )
    except discord.HTTPException as error:
        with log_context(job_id=job.id, guild_id=job.guild_id):
            log.warning("could not say where the result will be (%s/%s)", error.status, error.code)
        return False
    return True


async def send_by_dm(
    words: Words, editor: MessageEditor, job: JobView, rendering: Rendering, *, restarted: bool = False
) -> discord.Message | None:
    """The result by direct message; None when the bot may not write to them: the result stays in
    /history. `restarted`: the token was lost with the process that had it, not to the clock.

    A personal scope's result keeps its buttons: a click in the DM is in the requester's own scope. A
    server's (a private result) goes without them: they would look for it in that scope and find nothing.
    """
    note = delivered_by_dm_note(words, job, restarted=restarted)
    if not is_personal(job.guild_id):
        rendering = replace(rendering, controls=())
    try:
        return await editor.post_direct(job.user_id, _with_note(rendering, note))
    except (discord.Forbidden, discord.NotFound) as error:
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
            log.info(
                "no direct message allowed (%s/%s); the result is kept in /history only",
                error.status,
                error.code,
            )
        return None


async def send_followup(
    interaction: ResponseToken, job: JobView, rendering: Rendering
) -> discord.Message | None:
    """More files of a result through the token (counted in Discord's 5 followups)."""
    try:
        return await interaction.followup.send(
            view=rendering.layout(),
            files=[f.to_discord() for f in rendering.files],
            wait=True,
            ephemeral=job.private,
        )
    except discord.HTTPException as error:
        with log_context(job_id=job.id, guild_id=job.guild_id):
            log.warning(
                "a followup was refused (%s/%s); those files stay in /history", error.status, error.code
            )
        return None


def _with_note(rendering: Rendering, note: str) -> Rendering:
    return replace(rendering, note=note)


async def before_token_ends(
    track: JobTrack, target: MessageTarget, words_of: Callable[[JobView], Words]
) -> None:
    """A job only the token can show, still unfinished when the token is about to end: its message says
    where the result will be, and nothing edits it afterwards."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(0.0, (target.token_deadline or 0.0) - time.monotonic())):
            await track.ended.wait()
    async with track.lock:
        interaction = target.interaction
        if track.finished or interaction is None or track.target is not target:
            return
        if await say_where_the_result_will_be(words_of(track.job), interaction, track.job):
            track.last_signature = None
        target.drop_token(DEADLINE_REASON)
