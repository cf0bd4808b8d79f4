"""A running world with a member who manages the server (Manage Server), for the management commands'
tests (/settings, /workflows)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import discord

from tests.discord_emulator import DiscordEmulator, Guild, Member
from tests.e2e.harness import World, running_world

MANAGE_GUILD = discord.Permissions(manage_guild=True).value

WorldStarter = Callable[..., AbstractAsyncContextManager[World]]


@contextlib.asynccontextmanager
async def world_with_admin(
    database_url: str, tmp_path: Path, *, start: WorldStarter = running_world, **options: Any
) -> AsyncIterator[tuple[World, Member]]:
    """`start`: running_world, or a wrapper of it taking the same arguments."""
    admins: list[Member] = []

    def add_admin(emu: DiscordEmulator, guild: Guild) -> None:
        admins.append(emu.add_member(guild, name="admin", permissions=MANAGE_GUILD))

    async with start(database_url, tmp_path, customize=add_admin, **options) as world:
        yield world, admins[0]
