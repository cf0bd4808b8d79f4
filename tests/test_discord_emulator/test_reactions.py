"""Reactions: users' reactions reach the bot; the bot's own reactions are stored and echoed back."""

from __future__ import annotations

import asyncio

import discord
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


class ReactionBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.added: asyncio.Queue[discord.RawReactionActionEvent] = asyncio.Queue()
        self.removed: asyncio.Queue[discord.RawReactionActionEvent] = asyncio.Queue()

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.added.put(payload)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self.removed.put(payload)


async def test_user_reaction_is_dispatched_and_bot_reaction_is_echoed(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = ReactionBot()
    async with running_client(emulator, bot):
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("Rate this image")

        await emulator.add_reaction(sent.id, server.channel, server.alice, "⭐")
        from_alice = await asyncio.wait_for(bot.added.get(), 5)

        await sent.add_reaction("👍")
        echoed = await asyncio.wait_for(bot.added.get(), 5)

        await emulator.remove_reaction(sent.id, server.channel, server.alice, "⭐")
        removed = await asyncio.wait_for(bot.removed.get(), 5)

    assert from_alice.user_id == server.alice.id
    assert str(from_alice.emoji) == "⭐"
    assert from_alice.member is not None
    assert from_alice.member.name == "alice"
    assert echoed.user_id == emulator.bot_user.id
    assert str(echoed.emoji) == "👍"
    assert removed.user_id == server.alice.id

    message = emulator.message(sent.id)
    thumbs = message.reaction("👍")
    assert thumbs is not None
    assert thumbs.user_ids == [emulator.bot_user.id]
    assert message.reaction("⭐") is None
    assert emulator.calls_matching("PUT", r"/reactions/.+/@me$")[0].status == 204


async def test_bot_removing_its_reaction_is_echoed(emulator: DiscordEmulator, server: Server) -> None:
    bot = ReactionBot()
    async with running_client(emulator, bot):
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("vote")
        await sent.add_reaction("✅")
        await asyncio.wait_for(bot.added.get(), 5)
        assert bot.user is not None
        await sent.remove_reaction("✅", bot.user)
        removed = await asyncio.wait_for(bot.removed.get(), 5)

    assert removed.user_id == emulator.bot_user.id
    assert emulator.message(sent.id).reactions == []
