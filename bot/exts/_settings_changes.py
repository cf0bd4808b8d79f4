"""Changing a server's settings from /settings: the manager check, the change itself (read, changed and
written as one step by the policy store), a log line naming what changed, and the updated settings shown
privately; and the model and LoRA allow-lists, which work alike."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord
from discord.app_commands import Choice

from background.log_context import log_context
from bot.client import ComfyBot
from bot.exts._browsing_common import acknowledge, require_server_manager
from bot.exts._model_choices import matching
from bot.locales import words_for
from bot.ui.requesters import guild_id_of
from bot.ui.settings_embed import settings_embed
from core.jobs.model_options import Choosing
from core.jobs.policy import PolicyView
from core.jobs.policy_edits import with_allowed_file, without_allowed_file

log = logging.getLogger(__name__)

Changes = Callable[[PolicyView], dict[str, Any]]
# The policy's allow-list for each kind of file members may choose.
ALLOW_LISTS: dict[Choosing, str] = {"model": "allowed_models", "lora": "allowed_loras"}


async def change_settings(
    bot: ComfyBot,
    interaction: discord.Interaction,
    changes: Changes,
    *,
    note: Callable[[], str | None] = lambda: None,
) -> None:
    require_server_manager(interaction)
    await acknowledge(interaction)
    guild_id = guild_id_of(interaction)
    changed: list[str] = []

    def recorded(policy: PolicyView) -> dict[str, Any]:
        wanted = changes(policy)
        changed[:] = sorted(wanted)
        return wanted

    updated = await bot.runtime.guild_policies.change(guild_id, recorded)
    with log_context(guild_id=guild_id):
        log.info("settings changed by %s: %s", interaction.user.id, changed)
    words = words_for(bot, interaction.locale)
    await interaction.followup.send(
        note() or discord.utils.MISSING,
        embed=settings_embed(
            words, updated, title=words("settings_show.updated"), checker_on=checker_on(bot)
        ),
        ephemeral=True,
    )


def checker_on(bot: ComfyBot) -> bool:
    """Whether this bot runs an image checker, without which /settings safety does nothing."""
    return bot.runtime.safety.classifier is not None


async def allow_file(bot: ComfyBot, interaction: discord.Interaction, what: Choosing, name: str) -> None:
    field, offered = ALLOW_LISTS[what], bot.runtime.service.models.anywhere(what)
    await change_settings(
        bot, interaction, lambda p: with_allowed_file(field, getattr(p, field), name, offered=offered)
    )


async def disallow_file(bot: ComfyBot, interaction: discord.Interaction, what: Choosing, name: str) -> None:
    field = ALLOW_LISTS[what]
    await change_settings(bot, interaction, lambda p: without_allowed_file(field, getattr(p, field), name))


def offered_choices(bot: ComfyBot, what: Choosing, current: str) -> list[Choice[str]]:
    """Files some backend offers, for the allow command."""
    return matching(bot.runtime.service.models.anywhere(what), current)


async def allowed_choices(
    bot: ComfyBot, interaction: discord.Interaction, what: Choosing, current: str
) -> list[Choice[str]]:
    """Files the guild's list allows, for the remove command."""
    policy = await bot.runtime.guild_policies.get(guild_id_of(interaction))
    return matching(list(getattr(policy, ALLOW_LISTS[what])), current)
