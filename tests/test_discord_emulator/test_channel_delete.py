"""A deleted channel: CHANNEL_DELETE tells the bot, which forgets it and its threads, and a bot started after
finds neither in GUILD_CREATE."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


class DeletionBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.deleted: asyncio.Queue[discord.abc.GuildChannel] = asyncio.Queue()

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.deleted.put(channel)


async def test_a_deleted_channel_and_its_threads_are_gone_for_the_bot(
    emulator: DiscordEmulator, server: Server
) -> None:
    room = emulator.add_channel(server.guild, "room")
    thread = emulator.add_thread(room, server.alice, "ideas")
    bot = DeletionBot()
    async with running_client(emulator, bot):
        known = bot.get_channel(room.id)
        await emulator.delete_channel(room)
        deleted = await asyncio.wait_for(bot.deleted.get(), 5)
        forgotten = bot.get_channel(room.id)
    restarted = DeletionBot()
    async with running_client(emulator, restarted):
        after_a_restart = (restarted.get_channel(room.id), restarted.get_channel(thread.id))

    assert known is not None
    assert deleted.id == room.id
    assert forgotten is None
    assert after_a_restart == (None, None)
    assert room.id not in server.guild.channels
    assert thread.id not in server.guild.channels


async def test_a_deleted_channel_is_unknown_to_rest_calls(emulator: DiscordEmulator, server: Server) -> None:
    """Looked up or posted in after its deletion: 404, JSON code 10003 "Unknown channel"
    (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes)."""
    room = emulator.add_channel(server.guild, "room")
    bot = DeletionBot()
    async with running_client(emulator, bot):
        await emulator.delete_channel(room)
        with pytest.raises(discord.NotFound) as looked_up:
            await bot.fetch_channel(room.id)
        with pytest.raises(discord.NotFound) as posted:
            await bot.get_partial_messageable(room.id, guild_id=server.guild.id).send("hello")

    assert (looked_up.value.code, posted.value.code) == (10003, 10003)
    assert emulator.messages.get(room.id, []) == []
