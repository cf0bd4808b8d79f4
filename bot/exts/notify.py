"""/notify: whether you are pinged when your job ends (your choice, in every server)."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._browsing_common import acknowledge
from bot.exts._installs import offered_everywhere
from bot.locales import Catalogue, Words, words_for
from bot.ui.requesters import guild_id_of
from core.jobs.scopes import is_personal

log = logging.getLogger(__name__)

Choice = Literal["ping me", "don't ping me", "as the server says"]
_CHOICES: dict[str, bool | None] = {"ping me": True, "don't ping me": False, "as the server says": None}


def notify_text(own: bool | None, server_default: bool | None, words: Words | None = None) -> str:
    say = words or Words(Catalogue.shipped())
    if own is not None:
        return say("notify.own_yes" if own else "notify.own_no")
    if server_default is None:
        return say("notify.each_server")
    return say("notify.server_pings" if server_default else "notify.server_quiet")


class NotifyCommand(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(name="notify", description="Whether I ping you when your job ends")
    @app_commands.describe(when_done="Your choice; leave it out to see what is set")
    @offered_everywhere
    async def notify(self, interaction: discord.Interaction, when_done: Choice | None = None) -> None:
        await acknowledge(interaction)
        pings = self.bot.runtime.pings
        if when_done is not None:
            await pings.choose(interaction.user.id, _CHOICES[when_done])
            log.info("user_id=%s chose %r for pings when a job ends", interaction.user.id, when_done)
        own = await pings.own_choice(interaction.user.id)
        server = None
        scope = guild_id_of(interaction)
        if not is_personal(scope):
            server = (await self.bot.runtime.guild_policies.get(scope)).ping_when_done
        words = words_for(self.bot, interaction.locale)
        await interaction.followup.send(notify_text(own, server, words), ephemeral=True)


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(NotifyCommand(bot))
