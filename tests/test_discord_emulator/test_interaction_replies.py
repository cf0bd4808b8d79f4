"""Interaction replies: a followup after "thinking…" becomes the original response, followups notify whom
they allow, and an ephemeral reply is its invoker's alone (not echoed, out of the channel routes' reach)."""

from __future__ import annotations

import asyncio

import discord
import pytest

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server
from .echo_bot import EchoBot


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


async def test_a_reply_a_moderator_deleted_is_unknown_to_the_interaction_webhook(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = EchoBot()
    answered = asyncio.Event()
    moderator = emulator.add_member(
        server.guild, name="mod", permissions=discord.Permissions(manage_messages=True).value
    )

    @bot.tree.command(name="show", description="A reply edited later")
    async def show(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("working on it")
        answered.set()

    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(server.guild, server.channel, server.alice, "show")
        await asyncio.wait_for(answered.wait(), 5)
        reply = emulator.original_response(interaction)
        with pytest.raises(AssertionError, match="Manage Messages"):
            await emulator.delete_message(reply, server.alice)
        await emulator.delete_message(reply, moderator)
        webhook = discord.Webhook.from_state(
            {"id": emulator.world.application_id, "type": 3, "token": interaction.token},
            state=bot._connection,
        )
        refused = []
        for message_id in ("@original", reply.id):
            with pytest.raises(discord.NotFound) as error:
                await webhook.edit_message(message_id, content="done")  # type: ignore[arg-type]
            refused.append((error.value.status, error.value.code))

    assert reply.deleted
    assert refused == [(404, 10008), (404, 10008)], "Unknown Message, for the original and by its id"
