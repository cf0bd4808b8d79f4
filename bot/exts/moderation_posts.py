"""Each new moderation log entry, posted to the guild's log channel (/settings log channel:) if it set one.

The core says an entry was stored (ModerationEvents); the post is a kept background task, so the core's
work never waits on Discord, and a post that fails (the channel gone, a permission taken away) is one
warning line: the request's outcome and the entry itself stay what they were.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord
from discord.ext import commands

from background.log_context import log_context
from background.tasks import BackgroundTasks
from bot.client import ComfyBot
from bot.locales import Words
from bot.ui.moderation_log_render import posted_entry_embed
from core.moderation.log import LoggedEntry

log = logging.getLogger(__name__)


class ModerationPosts(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot
        self._tasks = BackgroundTasks("moderation-posts")
        self._unsubscribe: Callable[[], None] = lambda: None

    async def cog_load(self) -> None:
        self._unsubscribe = self.bot.runtime.moderation.events.subscribe(self._stored)

    async def cog_unload(self) -> None:
        self._unsubscribe()
        await self._tasks.drain(within_s=2.0)

    def _stored(self, entry: LoggedEntry) -> None:
        self._tasks.spawn(self._post(entry), name=f"moderation-post-{entry.id}")

    async def _post(self, entry: LoggedEntry) -> None:
        with log_context(guild_id=entry.guild_id, user_id=entry.user_id, job_id=entry.job_id):
            try:
                policy = await self.bot.runtime.guild_policies.get(entry.guild_id)
                if policy.moderation_log_channel_id is None:
                    return
                channel = self.bot.get_channel(policy.moderation_log_channel_id)
                if not isinstance(channel, discord.TextChannel) or channel.guild.id != entry.guild_id:
                    log.warning("moderation log channel %s not found", policy.moderation_log_channel_id)
                    return
                say = Words(self.bot.catalogue, str(channel.guild.preferred_locale))
                await channel.send(embed=posted_entry_embed(entry, say))
            except discord.HTTPException as error:
                log.warning("moderation log entry %s not posted: %s", entry.id, error)
            except Exception:
                log.exception("moderation log entry %s not posted", entry.id)


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(ModerationPosts(bot))
