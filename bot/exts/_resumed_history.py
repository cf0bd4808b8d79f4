"""A /history page button that names its page (bot.ui.history_turns), pressed on a live listing, again after
a turn, after a restart, or after its listing's 10 minutes: that page is shown in place, as the live
listing would have, to the member who ran /history alone (the message's interaction metadata says who), by
the rights they have now, as a fresh /history. Whether it is the channel's is the message's to say."""

from __future__ import annotations

import discord

from bot.client import ComfyBot
from bot.exts._showing import check_posting_here
from bot.exts.errors import report_error
from bot.locales import words_for
from bot.ui.history_turns import read_turn
from bot.ui.history_view import TIMEOUT_S, HistoryView
from bot.ui.replies import reply_privately
from bot.ui.requesters import guild_id_of, viewer_from_interaction

PAGE_BUTTONS = ("history:older:", "history:newer:")


async def turn_resumed(bot: ComfyBot, interaction: discord.Interaction, custom_id: str) -> bool:
    """Answers the press of a page button this process has no listing for; False if it names no page it
    can show (an old plain id, a damaged one, an unknown kind): the caller says the list expired."""
    turn = read_turn(custom_id)
    runner = who_ran(interaction)
    runtime = bot.runtime
    if turn is None or runner is None or turn.public != shown_to_channel(interaction):
        return False  # a public listing's button forged to say "private" (or the reverse) is none of ours
    if turn.filters.kind is not None and turn.filters.kind not in runtime.kinds:
        return False
    words = words_for(bot, interaction.locale)
    if interaction.user.id != runner:  # the live listing's rule (HistoryView.interaction_check)
        await reply_privately(interaction, words("history.not_yours", history=words.command("history")))
        return True
    scope, viewer = guild_id_of(interaction), viewer_from_interaction(interaction, posts=turn.public)
    try:
        if turn.public:  # still shown to the channel: by the server's rules for it now, as /history's
            await check_posting_here(bot, scope, viewer, asked="/history public:True")
        view = HistoryView(
            browser=runtime.browser,
            service=runtime.service,
            files=runtime.artifact_files,
            guild_id=scope,
            viewer=viewer,
            filters=turn.filters,
            report_error=report_error,
            forms=bot.open_forms,
            timeout=TIMEOUT_S,
            public=turn.public,
            words=words,
            place=turn.place,
        )
        await view.resume(interaction)
    except Exception as error:  # a listener's errors would otherwise be only logged
        await report_error(interaction, error, where="the /history browser")
    return True


def shown_to_channel(interaction: discord.Interaction) -> bool:
    """Whether the pressed listing is the channel's: the message says so (not ephemeral), whatever a
    custom_id claims: Discord's docs ask apps to "validate data sent in message component interactions",
    e.g. that "the custom_id originates from the received message" (discord/discord-api-docs#3029)."""
    message = interaction.message
    return message is not None and not message.flags.ephemeral


def who_ran(interaction: discord.Interaction) -> int | None:
    """Who ran the command the listing answers; None if Discord did not say."""
    message = interaction.message
    metadata = message.interaction_metadata if message is not None else None
    return metadata.user.id if metadata is not None else None
