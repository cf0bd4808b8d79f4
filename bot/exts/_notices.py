"""A short public notice that mentions one member and deletes itself: how the bot answers what has no
interaction to answer privately (a reaction, a reply to a result)."""

from __future__ import annotations

import logging

import discord

from bot.client import ComfyBot

log = logging.getLogger(__name__)


async def brief_notice(
    bot: ComfyBot, channel_id: int, member: discord.Member, text: str, *, reply_to: int | None = None
) -> None:
    channel = bot.get_partial_messageable(channel_id)
    allowed = discord.AllowedMentions(users=[member], replied_user=False)
    try:
        if reply_to is None:
            await channel.send(
                f"{member.mention} {text}",
                delete_after=bot.reporting_config.notice_ttl_s,
                allowed_mentions=allowed,
            )
        else:
            await channel.send(
                f"{member.mention} {text}",
                delete_after=bot.reporting_config.notice_ttl_s,
                allowed_mentions=allowed,
                reference=channel.get_partial_message(reply_to),
            )
    except discord.HTTPException as error:
        log.info("could not tell %s why their request was refused (%s)", member.id, error)
