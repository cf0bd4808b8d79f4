"""An /edit or /upscale picture form sent back after the bot restarted, or after its 15 minutes, is answered
privately: discord.py would drop it, and Discord would show the member only that the interaction failed."""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.client import ComfyBot
from bot.locales import words_for
from bot.ui.picture_modal import FORM_ID
from bot.ui.replies import reply_privately


class PictureForms(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        match = FORM_ID.fullmatch(custom_id)
        if match is None or custom_id in self.bot.open_forms:
            return  # not a picture form, or one its own modal answers
        words = words_for(interaction.client, interaction.locale)
        command = words.command(match["kind"])
        await reply_privately(interaction, words("picture_form.expired", command=command))


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(PictureForms(bot))
