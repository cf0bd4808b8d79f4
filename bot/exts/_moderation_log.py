"""/settings log: a guild's moderation log, listed privately, and the channel each entry is posted to.

Only for members with Manage Server (checked again here: server admins can show /settings to others).
The listing reads the asker's own guild only; the channel is checked for what posting needs before it is
kept, so a channel the bot cannot post in is named at once rather than failing silently later.
"""

from __future__ import annotations

import logging

import discord

from background.log_context import log_context
from bot.client import ComfyBot
from bot.exts._browsing_common import acknowledge
from bot.locales import Words, words_for
from bot.ui.moderation_log_view import ModerationLogView
from bot.ui.requesters import guild_id_of
from core.errors import UserFacingError

log = logging.getLogger(__name__)

# What posting an entry needs in the log channel (an embed in a message), each needing the one before:
# without View Channel Discord takes every other permission away, without Send Messages Embed Links.
_POSTING = ("view_channel", "send_messages", "embed_links")


async def settings_log(
    bot: ComfyBot,
    interaction: discord.Interaction,
    *,
    channel: discord.TextChannel | None,
    clear: bool,
) -> None:
    say = words_for(interaction.client, interaction.locale)
    if not interaction.permissions.manage_guild:
        raise UserFacingError(say("modlog.managers_only"))
    if channel is not None and clear:
        raise UserFacingError(say("modlog.channel_or_clear"))
    if channel is not None:
        _check_can_post(channel, say)
    await acknowledge(interaction)
    guild_id = guild_id_of(interaction)
    if channel is not None or clear:
        chosen = channel.id if channel is not None else None
        await bot.runtime.guild_policies.update(guild_id, {"moderation_log_channel_id": chosen})
        with log_context(guild_id=guild_id):
            log.info("moderation log channel set to %s by %s", chosen, interaction.user.id)
        text = (
            say("modlog.channel_set", channel=channel.mention) if channel else say("modlog.channel_cleared")
        )
        await interaction.followup.send(text, ephemeral=True)
        return
    view = ModerationLogView(
        bot.runtime.moderation,
        guild_id=guild_id,
        keep_days=bot.runtime.config.moderation.keep_days,
        say=say,
        forms=bot.open_forms,
    )
    embed = await view.first_page(interaction)
    await interaction.followup.send(embed=embed, view=view, ephemeral=True)


def _check_can_post(channel: discord.TextChannel, say: Words) -> None:
    permissions = channel.permissions_for(channel.guild.me)
    for name in _POSTING:
        if not getattr(permissions, name):
            missing = say(f"modlog.permission.{name}")
            raise UserFacingError(say("modlog.cannot_post", channel=channel.mention, missing=missing))
