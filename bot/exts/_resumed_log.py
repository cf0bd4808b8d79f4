"""A /settings log page button that names its page (bot.ui.log_turns), pressed on a live list, again after a
turn, after a restart, or after the list's 10 minutes: that page is shown in place, as the live list would
have, to the manager who ran /settings log alone (the message's interaction metadata says who), and only
while they still manage the server."""

from __future__ import annotations

import discord

from bot.client import ComfyBot
from bot.exts._resumed_history import who_ran
from bot.exts.errors import report_error
from bot.locales import words_for
from bot.ui.log_turns import read_turn
from bot.ui.moderation_log_view import TIMEOUT_S, ModerationLogView
from bot.ui.requesters import guild_id_of
from core.errors import UserFacingError

PAGE_BUTTONS = ("modlog:older:", "modlog:newer:")


async def log_turned(bot: ComfyBot, interaction: discord.Interaction, custom_id: str) -> bool:
    """Answers the press of a page button this process has no list for; False if it names no page it can
    show (an old plain id, a damaged one, someone else's list): the caller says the list expired."""
    place = read_turn(custom_id)
    if place is None or who_ran(interaction) != interaction.user.id:
        return False
    say = words_for(bot, interaction.locale)
    try:
        if not interaction.permissions.manage_guild:  # as /settings log itself checks, again now
            raise UserFacingError(say("modlog.managers_only"))
        view = ModerationLogView(
            bot.runtime.moderation,
            guild_id=guild_id_of(interaction),
            keep_days=bot.runtime.config.moderation.keep_days,
            say=say,
            forms=bot.open_forms,
            timeout=TIMEOUT_S,
            place=place,
        )
        await view.resume(interaction)
    except Exception as error:  # a listener's errors would otherwise be only logged
        await report_error(interaction, error, where="/settings log")
    return True
