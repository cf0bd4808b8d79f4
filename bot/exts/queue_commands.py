"""/queue and /cancel: where the member's jobs stand, and stopping one."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from background.log_context import log_context
from bot.client import ComfyBot
from bot.exts._browsing_common import acknowledge
from bot.exts._installs import offered_everywhere
from bot.locales import words_for
from bot.ui.history_queue import cancelled_text, place_in_queue, queue_embed
from bot.ui.history_render import job_summary, shorten
from bot.ui.requesters import guild_id_of, viewer_from_interaction
from core.errors import UserFacingError
from core.jobs.scopes import is_personal
from core.texts import Text

log = logging.getLogger(__name__)


class QueueCommands(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(name="queue", description="This server's queue and where your jobs are in it")
    @offered_everywhere
    async def queue(self, interaction: discord.Interaction) -> None:
        await acknowledge(interaction)
        scope = guild_id_of(interaction)
        overview = await self.bot.runtime.browser.queue_overview(scope, interaction.user.id)
        await interaction.followup.send(
            embed=queue_embed(words_for(self.bot, interaction.locale), overview, personal=is_personal(scope)),
            ephemeral=True,
        )

    @app_commands.command(name="cancel", description="Cancel your job (moderators: anyone's)")
    @app_commands.describe(job="The job's number; without it, your newest queued or running job")
    @offered_everywhere
    async def cancel(
        self, interaction: discord.Interaction, job: app_commands.Range[int, 1, 2**53] | None = None
    ) -> None:
        await acknowledge(interaction)
        guild_id = guild_id_of(interaction)
        if job is None:
            overview = await self.bot.runtime.browser.queue_overview(guild_id, interaction.user.id)
            if not overview.mine:
                raise UserFacingError(
                    Text("queue.nothing_to_cancel", "You have nothing queued or running to cancel.")
                )
            job = max(mine.id for mine, _ in overview.mine)
        cancelled = await self.bot.runtime.service.cancel(
            job, guild_id=guild_id, requester=viewer_from_interaction(interaction, posts=False)
        )
        with log_context(job_id=job, guild_id=guild_id):
            log.info("cancelled by %s", interaction.user.id)
        await interaction.followup.send(
            cancelled_text(
                words_for(self.bot, interaction.locale),
                cancelled,
                by_someone_else=cancelled.user_id != interaction.user.id,
            ),
            ephemeral=True,
        )

    @cancel.autocomplete("job")
    async def _my_live_jobs(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        overview = await self.bot.runtime.browser.queue_overview(
            guild_id_of(interaction), interaction.user.id
        )
        wanted = current.strip().lstrip("#").lower()
        words = words_for(self.bot, interaction.locale)
        choices = [
            app_commands.Choice(
                name=shorten(f"#{job.id} ({place_in_queue(words, place)}): {job_summary(words, job)}", 100),
                value=job.id,
            )
            for job, place in reversed(overview.mine)
        ]
        return [c for c in choices if wanted in c.name.lower()][:25]


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(QueueCommands(bot))
