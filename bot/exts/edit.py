"""/edit: a picture (attached or linked) changed as an instruction says, by an edit workflow."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._installs import offered_everywhere
from bot.exts._media import LINK_OPTION_MAX
from bot.exts._picture_job import run_picture_job
from bot.exts._submit import workflow_choices
from bot.ui.requesters import guild_id_of
from bot.ui.typed_command import gives_back
from core.kinds.edit import EDIT, EditParams
from core.kinds.fields import PROMPT_MAX_CHARS

MAX_OPTION_SEED = 2**53 - 1  # Discord's integer options stop at 2**53


class Edit(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="edit",
        description="Change a picture by saying what to change.",
        extras=gives_back("instruction"),
    )
    @offered_everywhere
    @app_commands.describe(
        instruction="What to change, e.g. “make it night” or “replace the hat with a crown”",
        image="The picture to edit",
        image_link="Or a link to a message with the picture (Copy Message Link)",
        seed="The same seed and instruction make the same edit",
        workflow="Which edit workflow to use",
    )
    async def edit(
        self,
        interaction: discord.Interaction,
        instruction: app_commands.Range[str, 1, min(PROMPT_MAX_CHARS, 4000)],
        image: discord.Attachment | None = None,
        image_link: app_commands.Range[str, 1, LINK_OPTION_MAX] | None = None,
        seed: app_commands.Range[int, 0, MAX_OPTION_SEED] | None = None,
        workflow: str | None = None,
    ) -> None:
        await run_picture_job(
            self.bot,
            interaction,
            EDIT,
            EditParams,
            {"instruction": instruction, "seed": seed},
            image=image,
            image_link=image_link,
            workflow=workflow,
            raw_input=instruction,
        )

    @edit.autocomplete("workflow")
    async def _workflow(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return workflow_choices(self.bot, EDIT, current, scope=guild_id_of(interaction))


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(Edit(bot))
