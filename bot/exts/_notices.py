"""A short public notice that mentions one member and deletes itself: how the bot answers what has no
interaction to answer privately (a reaction, a reply to a result).

Everyone in the channel reads it, so a refusal says there only what anyone may know: a blocked word is
never named (else the channel learns the server's list one word at a time). Which word it was goes to the
member alone, by direct message, when they accept DMs from the bot.
"""

from __future__ import annotations

import logging

import discord

from bot.client import ComfyBot
from bot.locales import Words, words_for
from bot.ui.replies import user_message_of
from core.errors import BlockedWordFound, UserFacingError

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


async def refusal_notice(
    bot: ComfyBot,
    channel_id: int,
    member: discord.Member,
    refusal: UserFacingError,
    *,
    reply_to: int | None = None,
) -> None:
    """The refusal as a brief notice, in the server's language (a reaction or a message carries no
    client locale), said as anyone may read it."""
    words = words_for(bot, member.guild.preferred_locale)
    said = await said_in_public(channel_id, member, refusal, words)
    await brief_notice(bot, channel_id, member, said, reply_to=reply_to)


async def said_in_public(
    channel_id: int, member: discord.Member, refusal: UserFacingError, words: Words
) -> str:
    """What the channel may read of a refusal; a blocked word is told to the member by DM, if they take it."""
    if not isinstance(refusal, BlockedWordFound):
        return user_message_of(refusal, words)
    said = words.say(refusal.public)
    private = words("refusal.blocked_word_by_dm", channel=f"<#{channel_id}>", word=refusal.word)
    try:
        await member.send(private, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as error:  # DMs closed (403/50007): the channel's words are all they get
        log.info("could not tell %s privately which word was refused (%s)", member.id, error)
        return said
    return f"{said} {words('refusal.blocked_word_told_by_dm')}"
