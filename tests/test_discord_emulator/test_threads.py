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
from tests.discord_emulator.models import MANAGE_THREADS, SEND_MESSAGES, VIEW_CHANNEL

from .conftest import Server


class WhereBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.seen: list[discord.Interaction] = []
        self.answered = asyncio.Event()
        # THREAD_UPDATEs, each heard after discord.py has updated its cache from it.
        self.thread_updates: asyncio.Queue[discord.RawThreadUpdateEvent] = asyncio.Queue()

        @self.tree.command(name="where", description="Where am I")
        async def where(interaction: discord.Interaction) -> None:
            self.seen.append(interaction)
            await interaction.response.send_message("here")
            self.answered.set()

    async def on_raw_thread_update(self, update: discord.RawThreadUpdateEvent) -> None:
        await self.thread_updates.put(update)


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


async def test_an_archived_thread_is_forgotten_by_the_bot_and_left_out_of_guild_create(
    emulator: DiscordEmulator, server: Server
) -> None:
    room = emulator.add_channel(server.guild, "room")
    thread = emulator.add_thread(room, server.alice, "old ideas")
    bot = WhereBot()
    async with running_client(emulator, bot):
        assert isinstance(bot.get_channel(thread.id), discord.Thread)
        await emulator.archive_thread(thread)
        archived = await asyncio.wait_for(bot.thread_updates.get(), 5)
        forgotten = bot.get_channel(thread.id)
    restarted = WhereBot()
    async with running_client(emulator, restarted):
        remembered_after_a_restart = restarted.get_channel(thread.id)
        known_room = restarted.get_channel(room.id)
        # A command there still comes from the thread, with its parent (Discord sends it in the payload).
        await emulator.send_slash_command(server.guild, thread, server.alice, "where")
        await asyncio.wait_for(restarted.answered.wait(), 5)
        # The answer was a message in the thread: it is active again, and the bot knows it again.
        unarchived = await asyncio.wait_for(restarted.thread_updates.get(), 5)
        remembered_after_the_answer = restarted.get_channel(thread.id)

    assert (archived.thread_id, archived.data["thread_metadata"]["archived"]) == (thread.id, True)
    assert forgotten is None
    assert remembered_after_a_restart is None
    assert (unarchived.thread_id, unarchived.data["thread_metadata"]["archived"]) == (thread.id, False)
    assert isinstance(remembered_after_the_answer, discord.Thread)
    assert known_room is not None
    assert not thread.archived
    (seen,) = restarted.seen
    assert isinstance(seen.channel, discord.Thread)
    assert (seen.channel_id, seen.channel.parent_id) == (thread.id, room.id)


async def test_a_private_thread_is_read_by_its_members_and_by_who_manages_threads(
    emulator: DiscordEmulator, server: Server
) -> None:
    moderators = emulator.add_role(server.guild, "moderators", permissions=MANAGE_THREADS)
    mod = emulator.add_member(server.guild, name="mod", roles=[moderators])
    bob = emulator.add_member(server.guild, name="bob")
    thread = emulator.add_thread(server.channel, server.alice, "secret", private=True)
    bot = WhereBot()
    async with running_client(emulator, bot):
        unknown = bot.get_channel(thread.id)  # the bot was not invited and has no Manage Threads
        with pytest.raises(CommandNotOffered):
            await emulator.send_slash_command(server.guild, thread, bob, "where")
        emulator.add_thread_member(thread, bob)
        await emulator.send_slash_command(server.guild, thread, bob, "where")
        await asyncio.wait_for(bot.answered.wait(), 5)

    (seen,) = bot.seen
    assert unknown is None
    assert isinstance(seen.channel, discord.Thread)
    assert seen.channel.type is discord.ChannelType.private_thread
    assert seen.channel.parent_id == server.channel.id
    assert server.guild.permissions_in(thread, mod) & VIEW_CHANNEL
    assert server.guild.permissions_in(thread, server.alice) & VIEW_CHANNEL
