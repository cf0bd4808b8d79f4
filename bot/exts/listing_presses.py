"""Presses on the paged listings' controls that no live view answers: discord.py drops a press it has no
live view for, and Discord would show the member only that the interaction failed. /history's and
/settings log's page buttons name the page they turn to, which is shown in place (bot.exts._resumed_history,
bot.exts._resumed_log): every press of one is answered here, a live listing's too, and an old one's pressed
again after a turn (no view ever answers them: bot.ui.page_turner says why). /workflows list's snapshot, or
a /history search too long to be named, lived in that view's memory only, so a press after a restart or
after its view timed out tells the member privately to run the command again. A job picked from /history's
select carries its number: it opens, privately, for whoever picked it, as far as they may see it."""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._resumed_history import PAGE_BUTTONS, turn_resumed
from bot.exts._resumed_log import PAGE_BUTTONS as LOG_PAGE_BUTTONS
from bot.exts._resumed_log import log_turned
from bot.exts.errors import report_error
from bot.locales import Words, words_for
from bot.ui.history_render import job_embed
from bot.ui.replies import reply_privately
from bot.ui.requesters import guild_id_of, viewer_from_interaction


def _named(words: Words, *path: str) -> str:
    """A command (and its subcommand) as the member's client shows it: "settings log", "einstellungen
    protokoll" in German."""
    keys = [".".join(path[: depth + 1]) for depth in range(len(path))]
    # A name without a translation comes back as its key ("settings.log"): its last part is the name.
    return " ".join(words.command(key).rsplit(".", 1)[-1] for key in keys)


def _history(words: Words) -> str:
    return _named(words, "history")


def _settings_log(words: Words) -> str:
    return _named(words, "settings", "log")


def _workflows_list(words: Words) -> str:
    return _named(words, "workflows", "list")


# Each listing's custom_id prefix (bot.ui.page_turner) and the command, as the member's client shows it,
# that shows it again.
# /history's job select (bot.ui.history_view): its options' values are the jobs' numbers.
HISTORY_PICK = "history:open:"
# Job ids are BIGINT: a larger number is no job, and would be refused by the database, not by us.
_LARGEST_JOB_ID = 2**63 - 1
_LISTINGS = {"history:": _history, "modlog:": _settings_log, "workflows-list:": _workflows_list}


class ListingPresses(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if custom_id in self.bot.open_forms:
            return  # its live view answers it (never a page button that names its page)
        if custom_id.startswith(HISTORY_PICK) and data.get("values"):
            await self._open_job(interaction, str(data["values"][0]))
            return
        if custom_id.startswith(PAGE_BUTTONS) and await turn_resumed(self.bot, interaction, custom_id):
            return
        if custom_id.startswith(LOG_PAGE_BUTTONS) and await log_turned(self.bot, interaction, custom_id):
            return
        for prefix, command in _LISTINGS.items():
            if custom_id.startswith(prefix):
                words = words_for(self.bot, interaction.locale)
                await reply_privately(interaction, words("listing.expired", command=command(words)))
                return

    async def _open_job(self, interaction: discord.Interaction, value: str) -> None:
        if not value.isascii() or not value.isdigit() or int(value) > _LARGEST_JOB_ID:
            # Not a value the select offered (a forged press): as a listing this process cannot read.
            words = words_for(self.bot, interaction.locale)
            await reply_privately(interaction, words("listing.expired", command=_history(words)))
            return
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            # The picker's own rights decide, as /show's do: the listing may have been someone else's.
            job, artifacts = await self.bot.runtime.service.get_with_artifacts(
                int(value),
                guild_id=guild_id_of(interaction),
                viewer=viewer_from_interaction(interaction, posts=False),
            )
            words = words_for(self.bot, interaction.locale)
            await interaction.followup.send(embed=job_embed(words, job, artifacts), ephemeral=True)
        except Exception as error:  # a listener's errors would otherwise be only logged
            await report_error(interaction, error, where="the /history browser")


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(ListingPresses(bot))
