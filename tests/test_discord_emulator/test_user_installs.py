"""A user-installed app: command contexts at sync, interactions from DMs and servers without the bot,
what the bot token cannot reach there, and the follow-up cap."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client
from tests.discord_emulator.installs import CommandNotOffered
from tests.discord_emulator.models import BOT_DM_APP_PERMISSIONS, USE_EXTERNAL_APPS

from .conftest import Server


def _bot() -> tuple[commands.Bot, asyncio.Queue[discord.Interaction]]:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    seen: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    @bot.tree.command(name="draw", description="Draw something")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def draw(interaction: discord.Interaction) -> None:
        await seen.put(interaction)
        await interaction.response.defer(thinking=True)

    @bot.tree.command(name="admin", description="Server only")
    @app_commands.guild_only()
    async def admin(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok")

    return bot, seen


async def test_sync_stores_contexts_and_refuses_unknown_values(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot, _ = _bot()
    async with running_client(emulator, bot):
        await bot.tree.sync()
        draw = emulator.world.global_commands["draw"]
        assert draw.integration_types == {0, 1}
        assert draw.contexts == {0, 1, 2}
        assert emulator.world.global_commands["admin"].contexts == {0}

        route = discord.http.Route("PUT", "/applications/{app}/commands", app=emulator.application_id)
        with pytest.raises(discord.HTTPException) as bad:
            await bot.http.request(route, json=[{"name": "x", "description": "x", "contexts": [0, 7]}])
        assert (bad.value.status, bad.value.code) == (400, 50035)


async def test_user_install_needs_the_application_to_support_it(
    emulator: DiscordEmulator, server: Server
) -> None:
    emulator.world.installation_contexts = {0}
    bot, _ = _bot()
    async with running_client(emulator, bot):
        with pytest.raises(discord.HTTPException) as refused:
            await bot.tree.sync()
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert "draw" not in emulator.world.global_commands


async def test_a_dm_with_a_user_who_only_installed_the_app(emulator: DiscordEmulator, server: Server) -> None:
    bot, seen = _bot()
    carol = emulator.install_for_user(emulator.add_user("carol"))
    dm = emulator.dm_channel(carol)
    async with running_client(emulator, bot):
        await bot.tree.sync()
        interaction = await emulator.send_slash_command(None, dm, carol, "draw")
        received = await asyncio.wait_for(seen.get(), 5)
        await emulator.wait_for(lambda: interaction.acked)
        with pytest.raises(CommandNotOffered):
            await emulator.send_slash_command(None, dm, carol, "admin")
        # No shared server: the bot cannot write to carol first, even in its own DM.
        with pytest.raises(discord.Forbidden) as no_dm:
            await bot.get_partial_messageable(dm.id).send("hello")

    assert received.context.dm_channel
    assert received.is_user_integration()
    assert not received.is_guild_integration()
    assert received.app_permissions.value == BOT_DM_APP_PERMISSIONS
    assert interaction.payload["authorizing_integration_owners"] == {"1": str(carol.id)}
    assert no_dm.value.code == 50278


async def test_a_server_without_the_bot(emulator: DiscordEmulator, server: Server) -> None:
    bot, seen = _bot()
    elsewhere = emulator.add_guild(name="Elsewhere", with_bot=False)
    lobby = emulator.add_channel(elsewhere, "lobby")
    dave = emulator.add_member(elsewhere, name="dave")
    emulator.install_for_user(dave)
    async with running_client(emulator, bot):
        assert bot.get_guild(elsewhere.id) is None  # no GUILD_CREATE for it
        await bot.tree.sync()
        interaction = await emulator.send_slash_command(elsewhere, lobby, dave, "draw")
        received = await asyncio.wait_for(seen.get(), 5)
        await emulator.wait_for(lambda: interaction.acked)
        await received.followup.send("done")  # the token works...
        with pytest.raises(discord.Forbidden) as no_access:  # ...the bot token does not
            await bot.get_partial_messageable(lobby.id).send("hello")
        for _ in range(5):
            await received.followup.send("more")
        with pytest.raises(discord.HTTPException) as capped:
            await received.followup.send("one too many")

    assert received.context.guild
    assert received.is_user_integration()
    assert not received.is_guild_integration()
    assert interaction.payload["authorizing_integration_owners"] == {"1": str(dave.id)}
    assert no_access.value.code == 50001
    assert (capped.value.status, capped.value.code) == (400, 40094)
    assert not emulator.original_response(interaction).ephemeral


async def test_without_use_external_apps_the_answers_are_ephemeral(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot, seen = _bot()
    elsewhere = emulator.add_guild(name="Strict", with_bot=False)
    lobby = emulator.add_channel(elsewhere, "lobby")
    erin = emulator.install_for_user(emulator.add_member(elsewhere, name="erin"))
    async with running_client(emulator, bot):
        await bot.tree.sync()
        await emulator.set_channel_permissions(lobby, elsewhere.everyone, deny=USE_EXTERNAL_APPS)
        interaction = await emulator.send_slash_command(elsewhere, lobby, erin, "draw")
        await asyncio.wait_for(seen.get(), 5)
        await emulator.wait_for(lambda: interaction.acked)

    assert emulator.original_response(interaction).ephemeral


async def test_a_group_dm_is_a_private_channel(emulator: DiscordEmulator, server: Server) -> None:
    bot, seen = _bot()
    frank = emulator.install_for_user(emulator.add_user("frank"))
    group = emulator.add_group_dm(frank, emulator.add_user("gina"))
    async with running_client(emulator, bot):
        await bot.tree.sync()
        await emulator.send_slash_command(None, group, frank, "draw")
        received = await asyncio.wait_for(seen.get(), 5)

    assert received.context.private_channel
    assert isinstance(received.channel, discord.GroupChannel)
