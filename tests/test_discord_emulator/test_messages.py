"""Channel messages, DMs and interaction followups: stored with their history and echoed like Discord."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

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


async def test_followup_after_thinking_defer_becomes_the_original_response(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    done = asyncio.Event()

    @bot.tree.command(name="quick", description="Defer then follow up")
    async def quick(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("here you go")
        await interaction.followup.send("and one more", ephemeral=True)
        done.set()

    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(server.guild, server.channel, server.alice, "quick")
        await asyncio.wait_for(done.wait(), 5)

    original = emulator.message(interaction.response_message_id or 0)
    assert [r.content for r in original.revisions] == ["", "here you go"]
    assert original.ephemeral
    assert not original.flags & 128
    (extra,) = interaction.followup_message_ids
    assert emulator.message(extra).content == "and one more"


async def test_a_followup_notifies_the_users_allowed_and_names_the_original_response(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    bob = emulator.add_member(server.guild, name="bob")
    sent: list[discord.WebhookMessage] = []
    done = asyncio.Event()

    @bot.tree.command(name="ping", description="Answer, then follow up with a mention")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("working on it")
        sent.append(
            await interaction.followup.send(
                f"<@{server.alice.id}> <@{bob.id}> done",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(server.alice.id)]),
                wait=True,
            )
        )
        done.set()

    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(server.guild, server.channel, server.alice, "ping")
        await asyncio.wait_for(done.wait(), 5)

    (followup_id,) = interaction.followup_message_ids
    followup = emulator.message(followup_id)
    assert followup.notified_user_ids == [server.alice.id], "a new message: the allowed user only"
    assert emulator.original_response(interaction).notified_user_ids == []
    [message] = sent
    assert message.interaction_metadata is not None
    assert message.interaction_metadata.original_response_message_id == interaction.response_message_id
    assert emulator.follow_ons(emulator.original_response(interaction)) == [followup]


async def test_ephemeral_replies_are_not_echoed(emulator: DiscordEmulator, server: Server) -> None:
    bot = EchoBot()

    @bot.tree.command(name="secret", description="Ephemeral reply")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("only you", ephemeral=True)
        assert interaction.channel is not None
        await interaction.channel.send("everyone")  # type: ignore[union-attr]

    async with running_client(emulator, bot):
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "secret")
        echoed = await asyncio.wait_for(bot.seen.get(), 5)

    assert echoed.content == "everyone"
    assert [m.content for m in emulator.messages[server.channel.id]] == ["only you", "everyone"]


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


async def test_an_ephemeral_reply_cannot_be_edited_through_the_channel_route(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    refused: asyncio.Future[discord.HTTPException] = asyncio.get_running_loop().create_future()

    @bot.tree.command(name="secret", description="Ephemeral reply")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("only you", ephemeral=True)
        reply = await interaction.original_response()
        partial = bot.get_partial_messageable(server.channel.id).get_partial_message(reply.id)
        try:
            await partial.edit(content="edited with the bot token")
        except discord.HTTPException as error:
            refused.set_result(error)

    async with running_client(emulator, bot):
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "secret")
        error = await asyncio.wait_for(refused, 5)

    assert (error.status, error.code) == (404, 10008)
    [reply] = emulator.messages[server.channel.id]
    assert reply.content == "only you"


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


async def test_an_ephemeral_reply_is_seen_and_clicked_by_its_invoker_alone(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    sent = asyncio.Event()
    refused: list[tuple[int, int]] = []

    @bot.tree.command(name="secret", description="Ephemeral reply with a button")
    async def secret(interaction: discord.Interaction) -> None:
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Again", custom_id="again"))
        await interaction.response.send_message("only you", view=view, ephemeral=True)
        reply = await interaction.original_response()
        partial = bot.get_partial_messageable(server.channel.id).get_partial_message(reply.id)
        for attempt in (partial.fetch, lambda: partial.add_reaction("🔁")):
            try:
                await attempt()
            except discord.NotFound as error:
                refused.append((error.status, error.code))
        sent.set()

    async with running_client(emulator, bot):
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "secret")
        await asyncio.wait_for(sent.wait(), 5)
        [reply] = emulator.messages[server.channel.id]
        bob = emulator.add_member(server.guild, name="bob")
        with pytest.raises(ValueError, match="ephemeral"):
            await emulator.click_button(reply, "again", bob)
        with pytest.raises(AssertionError, match="react"):
            await emulator.add_reaction(reply, server.channel, server.alice, "🔁")
        clicked = await emulator.click_button(reply, "again", server.alice)

    assert reply.ephemeral
    assert refused == [(404, 10008), (404, 10008)], "no channel route reaches it: fetch, reaction"
    assert reply.reactions == []
    assert clicked.payload["message"]["flags"] & 64
