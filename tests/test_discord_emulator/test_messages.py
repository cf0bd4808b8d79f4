"""Channel messages and DMs: stored with their history and echoed like Discord (interaction replies:
test_interaction_replies.py)."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server
from .echo_bot import EchoBot, channel_of


async def test_bot_messages_are_echoed_edited_and_deleted(emulator: DiscordEmulator, server: Server) -> None:
    bot = EchoBot()
    async with running_client(emulator, bot):
        channel = await channel_of(bot, server)
        sent = await channel.send("first", embed=discord.Embed(title="Job"))
        echoed = await asyncio.wait_for(bot.seen.get(), 5)
        await sent.edit(content="second")
        await sent.delete()
        gone = await asyncio.wait_for(bot.deleted.get(), 5)

    assert echoed.id == sent.id
    assert echoed.author.id == emulator.bot_user.id
    assert gone.message_id == sent.id
    stored = emulator.message(sent.id)
    assert stored.deleted
    assert [r.content for r in stored.revisions] == ["first", "second"]
    assert stored.revisions[0].embeds[0]["title"] == "Job"
    assert stored.embeds[0]["title"] == "Job"  # an edit without embeds keeps them


async def test_editing_attachments_keeps_or_replaces_them(emulator: DiscordEmulator, server: Server) -> None:
    bot = EchoBot()
    async with running_client(emulator, bot):
        channel = await channel_of(bot, server)
        sent = await channel.send(
            files=[discord.File(io.BytesIO(b"a"), "a.png"), discord.File(io.BytesIO(b"b"), "b.png")]
        )
        kept = sent.attachments[0]
        sent = await sent.edit(attachments=[kept, discord.File(io.BytesIO(b"c"), "c.png")])
        await sent.edit(attachments=[])

    stored = emulator.message(sent.id)
    assert [[a.filename for a in r.attachments] for r in stored.revisions] == [
        ["a.png", "b.png"],
        ["a.png", "c.png"],
        [],
    ]
    assert stored.revisions[1].attachments[0].id == kept.id


async def test_history_and_fetch_message(emulator: DiscordEmulator, server: Server) -> None:
    bot = EchoBot()
    async with running_client(emulator, bot):
        channel = await channel_of(bot, server)
        for text in ("one", "two", "three"):
            await channel.send(text)
        history = [m.content async for m in channel.history(limit=2)]
        first = emulator.messages[server.channel.id][0]
        fetched = await channel.fetch_message(first.id)
        with pytest.raises(discord.NotFound):
            await channel.fetch_message(emulator.snowflake())

    assert history == ["three", "two"]
    assert fetched.content == "one"


async def test_dm_is_sent_or_refused_like_discord(emulator: DiscordEmulator, server: Server) -> None:
    closed = emulator.add_member(server.guild, name="bob", accepts_dms=False)
    bot = EchoBot()
    async with running_client(emulator, bot):
        alice = await bot.fetch_user(server.alice.id)
        await alice.send("your image is ready")
        bob = await bot.fetch_user(closed.id)
        with pytest.raises(discord.Forbidden) as refused:
            await bob.send("hello?")

    assert refused.value.code == 50007
    dm = emulator.dm_channel(server.alice)
    assert [m.content for m in emulator.messages[dm.id]] == ["your image is ready"]
    assert emulator.calls_matching("POST", r"^/users/@me/channels$")[0].json == {
        "recipient_id": server.alice.id
    }


async def test_user_message_content_needs_the_message_content_intent(
    emulator: DiscordEmulator, server: Server
) -> None:
    contents: dict[str, str] = {}
    for name, intents in (("plain", discord.Intents.default()), ("privileged", discord.Intents.all())):
        bot = EchoBot(intents)
        async with running_client(emulator, bot):
            await emulator.send_message(server.channel, server.alice, "hi bot")
            seen = await asyncio.wait_for(bot.seen.get(), 5)
            assert seen.author.id == server.alice.id
            contents[name] = seen.content

    assert contents == {"plain": "", "privileged": "hi bot"}


async def test_events_outside_the_bots_intents_are_not_sent(
    emulator: DiscordEmulator, server: Server
) -> None:
    intents = discord.Intents.default()
    intents.guild_reactions = False
    bot = EchoBot(intents)
    async with running_client(emulator, bot):
        channel = await channel_of(bot, server)
        sent = await channel.send("react to me")
        await emulator.add_reaction(sent.id, server.channel, server.alice, "⭐")
        session = emulator.gateway.session
        assert session is not None
        events = [frame["t"] for frame in session.sent]

    assert "MESSAGE_CREATE" in events
    assert "MESSAGE_REACTION_ADD" not in events
    assert emulator.message(sent.id).reaction("⭐") is not None


async def test_typing_and_guild_fetch_and_waiting_for_calls(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    async with running_client(emulator, bot):
        channel = await channel_of(bot, server)
        async with channel.typing():
            await channel.send("thinking done")
        fetched = await bot.fetch_guild(server.guild.id)
        (post,) = await emulator.wait_for_calls("POST", r"^/channels/\d+/messages$")

    assert emulator.typing[0] == server.channel.id
    assert fetched.name == "Art Club"
    assert post.json["content"] == "thinking done"


async def test_the_bots_own_message_in_a_channel_it_cannot_see_is_out_of_reach(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    async with running_client(emulator, bot):
        channel = bot.get_partial_messageable(server.channel.id)
        message = await channel.send("made while visible")
        await emulator.set_channel_permissions(
            server.channel,
            emulator.bot_member(server.guild),
            deny=discord.Permissions(view_channel=True).value,
        )
        with pytest.raises(discord.Forbidden) as editing:
            await message.edit(content="edited")
        with pytest.raises(discord.Forbidden) as posting:
            await channel.send("another")

    assert (editing.value.status, editing.value.code) == (403, 50001)
    assert posting.value.code == 50001
    assert [m.content for m in emulator.messages[server.channel.id]] == ["made while visible"]
