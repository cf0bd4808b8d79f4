"""A paged listing's button or select used after the bot restarted, or after its view timed out, is
answered privately: discord.py drops a press it has no live view for, and Discord would show the member only
that the interaction failed. The pages' cursors (and /history's filters, /workflows list's snapshot) lived
in that view's memory, so the member is told to run the command again."""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.client import ComfyBot
from bot.locales import Words, words_for
from bot.ui.replies import reply_privately


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
_LISTINGS = {"history:": _history, "modlog:": _settings_log, "workflows-list:": _workflows_list}


class ExpiredListings(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if custom_id in self.bot.open_forms:
            return  # its live view answers it
        for prefix, command in _LISTINGS.items():
            if custom_id.startswith(prefix):
                words = words_for(self.bot, interaction.locale)
                await reply_privately(interaction, words("listing.expired", command=command(words)))
                return


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(ExpiredListings(bot))
