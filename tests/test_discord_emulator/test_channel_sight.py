"""A channel a member cannot see is closed to them: Discord offers no command there (nor in its threads),
and reacting needs View Channel and Read Message History ("Create Reaction" requires READ_MESSAGE_HISTORY)."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client
from tests.discord_emulator.installs import CommandNotOffered
from tests.discord_emulator.models import READ_MESSAGE_HISTORY, VIEW_CHANNEL

from .conftest import Server


class SightBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.used_in: list[int | None] = []
        self.reacted: asyncio.Queue[discord.RawReactionActionEvent] = asyncio.Queue()
        self.answered = asyncio.Event()

        @self.tree.command(name="where", description="Where am I")
        async def where(interaction: discord.Interaction) -> None:
            self.used_in.append(interaction.channel_id)
            await interaction.response.send_message("here")
            self.answered.set()

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.reacted.put(payload)


async def test_no_command_is_offered_where_the_member_cannot_see(
    emulator: DiscordEmulator, server: Server
) -> None:
    staff = emulator.add_channel(server.guild, "staff")
    bob = emulator.add_member(server.guild, name="bob")
    await emulator.set_channel_permissions(staff, server.guild.everyone, deny=VIEW_CHANNEL)
    await emulator.set_channel_permissions(staff, server.alice, allow=VIEW_CHANNEL)
    thread = emulator.add_thread(staff, server.alice, "plans")
    bot = SightBot()
    async with running_client(emulator, bot):
        for place in (staff, thread):
            with pytest.raises(CommandNotOffered):
                await emulator.send_slash_command(server.guild, place, bob, "where")
        await emulator.send_slash_command(server.guild, staff, server.alice, "where")
        await asyncio.wait_for(bot.answered.wait(), 5)

    assert bot.used_in == [staff.id]


async def test_reacting_needs_the_channel_and_its_history(emulator: DiscordEmulator, server: Server) -> None:
    bob = emulator.add_member(server.guild, name="bob")
    carol = emulator.add_member(server.guild, name="carol")
    bot = SightBot()
    async with running_client(emulator, bot):
        channel = bot.get_channel(server.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("Rate this image")
        await emulator.set_channel_permissions(server.channel, bob, deny=VIEW_CHANNEL)
        await emulator.set_channel_permissions(server.channel, carol, deny=READ_MESSAGE_HISTORY)
        for member in (bob, carol):
            with pytest.raises(AssertionError, match="nor react there"):
                await emulator.add_reaction(sent.id, server.channel, member, "⭐")
        await emulator.add_reaction(sent.id, server.channel, server.alice, "⭐")
        reaction = await asyncio.wait_for(bot.reacted.get(), 5)

    assert reaction.user_id == server.alice.id
    assert bot.reacted.empty(), "no refused reaction reached the bot"
