"""A result the guild's content settings hold back (core.safety): the channel's message says so without its
files, and the requester hears privately: an ephemeral followup while the command's token lives, else a
direct message; if neither reaches them, the channel's message is the plain notice.
"""

from __future__ import annotations

import logging

import discord

from background.log_context import log_context
from bot.locales import Words, words_for
from bot.reporting.stored_token import ResponseToken
from bot.reporting.targets import MessageEditor
from bot.ui.job_messages import WITHHELD_COLOUR, Rendering
from core.jobs.snapshots import JobView

log = logging.getLogger(__name__)

WITHHELD_NOTICE = "withheld_notice"  # the job event that says the requester was told


async def tell_requester(
    editor: MessageEditor, job: JobView, interaction: ResponseToken | None, job_words: Words
) -> bool:
    """True if the requester was told privately. `job_words`: the job's messages' language, for a requester
    whose own is not known (a 🔁 carries no locale)."""
    # The requester's language, kept with the job: a worker, or a restarted bot, has the token alone.
    words = words_for(editor.client, job.locale) if job.locale else job_words
    key = "safety.withheld"
    if interaction is not None:
        try:
            await interaction.followup.send(words(key, job_id=job.id), ephemeral=True)
            return True
        except discord.HTTPException as error:
            with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                log.info("the ephemeral notice was refused (%s/%s)", error.status, error.code)
    text = words(key, job_id=job.id)
    footer = words("job.footer", job_id=job.id, state=words("job.state.withheld"))
    try:
        await editor.post_direct(job.user_id, Rendering(text, footer, WITHHELD_COLOUR))
        return True
    except (discord.Forbidden, discord.NotFound) as error:
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
            log.info("no direct message (%s/%s); the channel's notice says it", error.status, error.code)
        return False
