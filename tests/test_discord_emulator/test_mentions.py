"""Who a message notifies: Discord's allowed_mentions rules, and no notification from an edit."""

from __future__ import annotations

import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


def make_bot() -> commands.Bot:
    return commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)


async def test_allowed_mentions_decide_who_a_new_message_notifies(
    emulator: DiscordEmulator, server: Server
) -> None:
    bob = emulator.add_member(server.guild, name="bob")
    alice, bob_id = server.alice.id, bob.id
    both = f"<@{alice}> and <@!{bob_id}>"
    bot = make_bot()
    async with running_client(emulator, bot):
        channel = bot.get_partial_messageable(server.channel.id)
        default = await channel.send(both)
        silent = await channel.send(both, allowed_mentions=discord.AllowedMentions.none())
        only_alice = await channel.send(
            both, allowed_mentions=discord.AllowedMentions(users=[discord.Object(alice)])
        )
        not_in_content = await channel.send(
            "nobody named", allowed_mentions=discord.AllowedMentions(users=[discord.Object(alice)])
        )
        reply = await default.reply("a reply", allowed_mentions=discord.AllowedMentions(replied_user=False))
        await silent.edit(content=f"now <@{alice}>", allowed_mentions=discord.AllowedMentions.all())

    notified = {m.id: m.notified_user_ids for m in emulator.messages[server.channel.id]}
    assert notified[default.id] == [alice, bob_id]
    assert notified[silent.id] == [], "an edit that adds a mention pings nobody"
    assert notified[only_alice.id] == [alice]
    assert notified[not_in_content.id] == [], "no phantom pings: the mention must be in the content"
    assert notified[reply.id] == []


async def test_parse_users_with_a_users_list_is_an_invalid_form_body(
    emulator: DiscordEmulator, server: Server
) -> None:
    # discord.py never sends both, so the request is built by hand.
    body = {
        "content": f"<@{server.alice.id}>",
        "allowed_mentions": {"parse": ["users"], "users": [str(server.alice.id)]},
    }
    bot = make_bot()
    async with running_client(emulator, bot):
        # Built once connected: a Route takes the API's base URL (the emulator's) when it is made.
        route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=server.channel.id)
        with pytest.raises(discord.HTTPException) as refused:
            await bot.http.request(route, json=body)

    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert emulator.messages.get(server.channel.id, []) == []
