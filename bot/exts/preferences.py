"""/preferences: one user's own defaults (aspect ratio, quality, style, a workflow per kind, pings, private
results), kept in every server and applied under each server's rules (core.jobs.preferences,
core.jobs.privacy). /notify stays as the short way to the ping choice."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._browsing_common import acknowledge
from bot.exts._installs import offered_everywhere
from bot.exts._submit import workflow_choices
from bot.locales import words_for
from bot.ui.preferences_text import preferences_text
from bot.ui.requesters import guild_id_of
from core.jobs.preferences import Preferences
from core.kinds import JobKind

log = logging.getLogger(__name__)

AspectRatio = Literal["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9"]
Quality = Literal["draft", "standard", "high"]
Ping = Literal["ping me", "don't ping me"]
# Private: the replies to your requests are ephemeral (core.jobs.privacy), where the server allows it.
Results = Literal["private", "public"]


@offered_everywhere
class PreferencesCommand(commands.GroupCog, group_name="preferences", group_description="Your own defaults"):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="See your preferences")
    async def show(self, interaction: discord.Interaction) -> None:
        await acknowledge(interaction)
        await self._answer(interaction, await self.bot.runtime.preferences.get(interaction.user.id))

    @app_commands.command(name="set", description="Choose your defaults for new jobs")
    @app_commands.describe(
        aspect_ratio="The pictures' shape when you give none",
        quality="More steps take longer and look better",
        style="Style tags added when you give none (comma-separated)",
        ping="Whether I ping you when your job ends",
        results="Who sees your results: only you (where the server allows it), or everyone",
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        aspect_ratio: AspectRatio | None = None,
        quality: Quality | None = None,
        style: app_commands.Range[str, 1, 400] | None = None,
        ping: Ping | None = None,
        results: Results | None = None,
    ) -> None:
        await acknowledge(interaction)
        preferences = await self.bot.runtime.preferences.change(
            interaction.user.id,
            aspect_ratio=aspect_ratio,
            quality=quality,
            style=style,
            ping_when_done=None if ping is None else ping == "ping me",
            private_results=None if results is None else results == "private",
        )
        log.info("user_id=%s changed their preferences", interaction.user.id)
        await self._answer(interaction, preferences)

    @app_commands.command(name="workflow", description="Choose the workflow for one kind of job")
    @app_commands.describe(kind="The kind of job", workflow="The workflow; leave it out for the default")
    async def workflow(
        self, interaction: discord.Interaction, kind: str, workflow: str | None = None
    ) -> None:
        await acknowledge(interaction)
        preferences = await self.bot.runtime.preferences.choose_workflow(interaction.user.id, kind, workflow)
        await self._answer(interaction, preferences)

    @app_commands.command(name="reset", description="Forget all your preferences")
    async def reset(self, interaction: discord.Interaction) -> None:
        await acknowledge(interaction)
        await self._answer(interaction, await self.bot.runtime.preferences.reset(interaction.user.id))

    @workflow.autocomplete("kind")
    async def _kind(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        kinds = [k for k in self.bot.runtime.kinds.kinds if current.lower() in k]
        return [app_commands.Choice(name=k, value=k) for k in kinds][:25]

    @workflow.autocomplete("workflow")
    async def _workflow(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        kind = str(getattr(interaction.namespace, "kind", "") or "")
        return workflow_choices(self.bot, JobKind(kind), current) if kind else []

    async def _answer(self, interaction: discord.Interaction, preferences: Preferences) -> None:
        service, scope = self.bot.runtime.preferences, guild_id_of(interaction)
        usable = {
            kind: service.workflow_for(preferences, kind, scope=scope) for kind in preferences.workflows
        }
        words = words_for(self.bot, interaction.locale)
        await interaction.followup.send(preferences_text(preferences, usable, words), ephemeral=True)


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(PreferencesCommand(bot))
