"""Threads: a public thread comes in GUILD_CREATE's `threads`, a slash command used in it carries the thread
as its channel (with `parent_id`), and it has its parent channel's permissions and age restriction. A forum's
posts are threads; the forum itself takes no message and no command."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client
from tests.discord_emulator.installs import CommandNotOffered
from tests.discord_emulator.models import SEND_MESSAGES, VIEW_CHANNEL

from .conftest import Server


class WhereBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.seen: list[discord.Interaction] = []
        self.answered = asyncio.Event()

        @self.tree.command(name="where", description="Where am I")
        async def where(interaction: discord.Interaction) -> None:
            self.seen.append(interaction)
            await interaction.response.send_message("here")
            self.answered.set()


async def test_a_slash_command_in_a_thread_comes_from_the_thread_of_its_channel(
    emulator: DiscordEmulator, server: Server
) -> None:
    adults = emulator.add_channel(server.guild, "adults", nsfw=True)
    await emulator.set_channel_permissions(adults, server.guild.everyone, deny=SEND_MESSAGES)
    thread = emulator.add_thread(adults, server.alice, "fox ideas")
    bot = WhereBot()
    async with running_client(emulator, bot):
        cached = bot.get_channel(thread.id)
        interaction = await emulator.send_slash_command(server.guild, thread, server.alice, "where")
        await asyncio.wait_for(bot.answered.wait(), 5)

    (seen,) = bot.seen
    assert isinstance(cached, discord.Thread)
    assert isinstance(seen.channel, discord.Thread)
    assert (seen.channel_id, seen.channel.parent_id) == (thread.id, adults.id)
    assert seen.channel.is_nsfw()  # its parent's
    assert emulator.original_response(interaction).channel_id == thread.id
    permissions = server.guild.permissions_in(thread, server.alice)
    assert permissions & VIEW_CHANNEL
    assert not permissions & SEND_MESSAGES  # its parent's overwrite


async def test_a_forum_takes_commands_and_messages_in_its_posts_only(
    emulator: DiscordEmulator, server: Server
) -> None:
    forum = emulator.add_forum(server.guild, "art")
    post = emulator.add_thread(forum, server.alice, "foxes")
    bot = WhereBot()
    async with running_client(emulator, bot):
        cached = bot.get_channel(forum.id)
        with pytest.raises(CommandNotOffered):
            await emulator.send_slash_command(server.guild, forum, server.alice, "where")
        await emulator.send_slash_command(server.guild, post, server.alice, "where")
        await asyncio.wait_for(bot.answered.wait(), 5)
        assert isinstance(cached, discord.ForumChannel)
        with pytest.raises(discord.HTTPException) as refused:
            await bot.get_partial_messageable(forum.id).send("hi")

    (seen,) = bot.seen
    assert isinstance(seen.channel, discord.Thread)
    assert seen.channel.parent_id == forum.id
    assert (refused.value.status, refused.value.code) == (400, 50008)
