"""/upscale: a picture (attached or linked) made 2 or 4 times larger by an upscale workflow."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._installs import offered_everywhere
from bot.exts._media import LINK_OPTION_MAX
from bot.exts._picture_job import run_picture_job
from bot.exts._submit import workflow_choices
from bot.ui.requesters import guild_id_of
from core.kinds.upscale import UPSCALE, UpscaleParams


class Upscale(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(name="upscale", description="Make a picture larger and sharper.")
    @offered_everywhere
    @app_commands.describe(
        image="The picture to upscale",
        image_link="Or a link to a message with the picture (Copy Message Link)",
        factor="How many times wider and taller (2 unless you choose 4)",
        workflow="Which upscale workflow to use",
    )
    async def upscale(
        self,
        interaction: discord.Interaction,
        image: discord.Attachment | None = None,
        image_link: app_commands.Range[str, 1, LINK_OPTION_MAX] | None = None,
        factor: Literal[2, 4] | None = None,
        workflow: str | None = None,
    ) -> None:
        await run_picture_job(
            self.bot,
            interaction,
            UPSCALE,
            UpscaleParams,
            {"factor": factor},
            image=image,
            image_link=image_link,
            workflow=workflow,
            raw_input=f"upscale x{factor or 2}",
        )

    @upscale.autocomplete("workflow")
    async def _workflow(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return workflow_choices(self.bot, UPSCALE, current, scope=guild_id_of(interaction))


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(Upscale(bot))
