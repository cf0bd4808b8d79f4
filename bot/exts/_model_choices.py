"""Autocomplete for model and LoRA options: what the backends able to run the chosen (or default)
workflow offer, narrowed by the guild's allow-lists and by what was typed.

Discord shows at most 25 choices, each named and valued in at most 100 characters: longer file names can
still be typed in full (or given with --model / --lora).
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import ComfyBot
from bot.ui.requesters import guild_id_of
from core.jobs.model_options import Choosing
from core.kinds import JobKind

MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100


def matching(names: list[str], typed: str) -> list[app_commands.Choice[str]]:
    """Names containing what was typed, those starting with it first, as Discord can show them."""
    typed = typed.strip().lower()
    fitting = [name for name in names if len(name) <= MAX_CHOICE_CHARS and typed in name.lower()]
    fitting.sort(key=lambda name: not name.lower().startswith(typed))
    return [app_commands.Choice(name=name, value=name) for name in fitting[:MAX_CHOICES]]


async def model_choices(
    bot: ComfyBot, interaction: discord.Interaction, kind: JobKind, typed: str, what: Choosing
) -> list[app_commands.Choice[str]]:
    workflow = getattr(interaction.namespace, "workflow", None)
    options = bot.runtime.service.models
    names = await options.for_guild(what, guild_id_of(interaction), kind, workflow or None)
    return matching(names, typed)
