"""Members' replies and mentions, and what a bot without the message-content intent reads of them.

Discord: an app without MESSAGE_CONTENT gets empty content, embeds, attachments and components except in
its own messages, in DMs and where it is mentioned
(https://discord.com/developers/docs/events/gateway#message-content-intent). A reply (type 19) carries
`message_reference` and `referenced_message`, and pings the replied author unless turned off; a reply to an
interaction response does not count as mentioning the app (discord/discord-api-docs#5395).
"""

from __future__ import annotations

import asyncio

import discord

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server
from .echo_bot import EchoBot, channel_of


async def _seen(bot: EchoBot) -> discord.Message:
    return await asyncio.wait_for(bot.seen.get(), 5)


async def test_a_mention_of_the_bot_shows_the_content_without_the_intent(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    async with running_client(emulator, bot):
        await emulator.send_message(server.channel, server.alice, "no mention here")
        plain = await _seen(bot)
        mention = emulator.mention(emulator.bot_user)
        await emulator.send_message(server.channel, server.alice, f"{mention} make it blue")
        mentioned = await _seen(bot)
        assert bot.user is not None
        assert bot.user.mentioned_in(mentioned)

    assert plain.content == ""
    assert mentioned.content == f"{mention} make it blue"
    assert [u.id for u in mentioned.mentions] == [emulator.bot_user.id]


async def test_a_pinging_reply_to_a_channel_message_of_the_bot_counts_as_a_mention(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    async with running_client(emulator, bot):
        channel = await channel_of(bot, server)
        sent = await channel.send("a result")
        await _seen(bot)
        stored = emulator.message(sent.id)
        await emulator.send_message(server.channel, server.alice, "again but red", reply_to=stored)
        pinging = await _seen(bot)
        await emulator.send_message(
            server.channel, server.alice, "quietly", reply_to=stored, ping_replied=False
        )
        quiet = await _seen(bot)

    assert pinging.type is discord.MessageType.reply
    assert pinging.reference is not None
    assert pinging.reference.message_id == sent.id
    assert pinging.reference.guild_id == server.guild.id
    resolved = pinging.reference.resolved
    assert isinstance(resolved, discord.Message)
    assert resolved.content == "a result"
    assert pinging.content == "again but red"
    assert quiet.content == "", "a reply with its ping turned off does not mention the bot"
    assert quiet.reference is not None
    assert quiet.reference.message_id == sent.id


async def test_a_reply_to_an_interaction_response_needs_a_typed_mention(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()

    @bot.tree.command(name="paint")
    async def paint(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("painted")

    async with running_client(emulator, bot):
        bot.tree.copy_global_to(guild=discord.Object(server.guild.id))
        await bot.tree.sync(guild=discord.Object(server.guild.id))
        interaction = await emulator.send_slash_command(server.guild, server.channel, server.alice, "paint")
        await emulator.wait_for(lambda: interaction.acked)
        response = emulator.original_response(interaction)
        await _seen(bot)
        await emulator.send_message(server.channel, server.alice, "bluer", reply_to=response)
        unread = await _seen(bot)
        mention = emulator.mention(emulator.bot_user)
        await emulator.send_message(server.channel, server.alice, f"{mention} bluer", reply_to=response)
        read = await _seen(bot)

    assert unread.content == ""
    assert unread.reference is not None
    assert unread.reference.message_id == response.id
    assert read.content == f"{mention} bluer"


async def test_the_intent_and_direct_messages_show_everything(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot(discord.Intents.all())
    async with running_client(emulator, bot):
        await emulator.send_message(server.channel, server.alice, "hello all")
        privileged = await _seen(bot)
    dm_bot = EchoBot()
    async with running_client(emulator, dm_bot):
        await emulator.send_message(emulator.dm_channel(server.alice), server.alice, "hello bot")
        direct = await _seen(dm_bot)

    assert privileged.content == "hello all"
    assert direct.content == "hello bot"
