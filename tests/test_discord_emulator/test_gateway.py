"""Gateway resilience: dropped connections are resumed and missed events replayed."""

from __future__ import annotations

import asyncio

import discord
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


class CountingBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.resumed = asyncio.Event()
        self.interactions: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before re-identifying (Discord's identify limit); the emulator has none."""

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.interactions.put(interaction)


async def test_disconnect_is_resumed_and_missed_events_are_replayed(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = CountingBot()
    async with running_client(emulator, bot):
        await emulator.gateway_disconnect(code=4000)
        # Sent while the bot is away: it must arrive after the RESUME, replayed by seq.
        missed = await emulator.send_slash_command(server.guild, server.channel, server.alice, "anything")
        await asyncio.wait_for(bot.resumed.wait(), 10)
        received = await asyncio.wait_for(bot.interactions.get(), 5)

        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("still works")

    assert received.id == missed.id
    assert emulator.gateway.stats.identifies == 1
    assert emulator.gateway.stats.resumes == 1
    assert emulator.messages[server.channel.id][-1].content == "still works"


async def test_unresumable_disconnect_makes_the_bot_identify_again(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = CountingBot()
    async with running_client(emulator, bot):
        await emulator.gateway_disconnect(code=4000, resumable=False)
        await emulator.wait_for(lambda: emulator.gateway.stats.identifies == 2, timeout=15)
        await emulator.wait_until_connected()

    assert emulator.gateway.stats.invalid_sessions == 1
    assert emulator.gateway.stats.resumes == 0


async def test_heartbeats_are_acknowledged(emulator: DiscordEmulator, server: Server) -> None:
    bot = CountingBot()
    async with running_client(emulator, bot):
        await emulator.wait_for(lambda: emulator.gateway.stats.heartbeats >= 1)
        assert bot.latency != float("inf")


async def test_reconnect_request_is_resumed(emulator: DiscordEmulator, server: Server) -> None:
    bot = CountingBot()
    async with running_client(emulator, bot):
        await emulator.gateway.request_reconnect()
        await asyncio.wait_for(bot.resumed.wait(), 10)

    assert emulator.gateway.stats.resumes == 1
    assert emulator.gateway.stats.identifies == 1
