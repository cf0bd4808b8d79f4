"""A real discord.py bot logs in to the emulator and sees its world."""

from __future__ import annotations

import discord
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


def make_bot() -> commands.Bot:
    return commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)


async def test_bot_logs_in_and_receives_ready_and_guild_create(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = make_bot()
    async with running_client(emulator, bot):
        assert bot.user is not None
        assert bot.user.id == emulator.bot_user.id
        assert bot.application_id == emulator.application_id
        guild = bot.get_guild(server.guild.id)
        assert guild is not None
        assert guild.name == "Art Club"
        assert [c.name for c in guild.text_channels] == ["gallery"]
        assert guild.me is not None
        # Without the presences intent Discord only sends the bot's own member.
        assert guild.get_member(server.alice.id) is None
    assert emulator.gateway.stats.identifies == 1
    assert emulator.calls_matching("GET", r"^/users/@me$")[0].status == 200
    assert not emulator.unknown_routes


async def test_patch_discord_restores_the_real_endpoints(emulator: DiscordEmulator) -> None:
    from tests.discord_emulator import patch_discord

    before = discord.http.Route.BASE
    with patch_discord(emulator):
        assert emulator.http_url == discord.http.Route.BASE
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == emulator.gateway_url
    assert before == discord.http.Route.BASE


async def test_bot_with_members_intent_chunks_the_member_list(
    emulator: DiscordEmulator, server: Server
) -> None:
    intents = discord.Intents.default()
    intents.members = True
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
    async with running_client(emulator, bot):
        guild = bot.get_guild(server.guild.id)
        assert guild is not None
        assert guild.chunked
        alice = guild.get_member(server.alice.id)
        assert alice is not None
        assert alice.name == "alice"
