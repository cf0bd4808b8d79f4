"""A bot that only records the messages it sees and the deletions it hears of, for the emulator's tests."""

from __future__ import annotations

import asyncio

import discord
from discord.ext import commands

from .conftest import Server


class EchoBot(commands.Bot):
    def __init__(self, intents: discord.Intents | None = None) -> None:
        super().__init__(
            command_prefix="!", intents=intents or discord.Intents.default(), guild_ready_timeout=0.05
        )
        self.seen: asyncio.Queue[discord.Message] = asyncio.Queue()
        self.deleted: asyncio.Queue[discord.RawMessageDeleteEvent] = asyncio.Queue()

    async def on_message(self, message: discord.Message) -> None:
        await self.seen.put(message)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.deleted.put(payload)


async def channel_of(bot: commands.Bot, server: Server) -> discord.TextChannel:
    channel = bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    return channel
