"""The gateway sends the bot's own messages back (its replies, each edit, its pings); discord.py does not
build them (bot/own_messages.py), while members' messages and replies reach the bot as before."""

from __future__ import annotations

from pathlib import Path

import discord

from tests.e2e.harness import running_world


async def test_the_bots_own_messages_reach_no_listener_and_members_messages_still_do(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        authors: list[int] = []
        edited: list[int] = []

        async def heard(message: discord.Message) -> None:
            authors.append(message.author.id)

        async def heard_edit(payload: discord.RawMessageUpdateEvent) -> None:
            edited.append(payload.message_id)

        world.bot.add_listener(heard, "on_message")
        world.bot.add_listener(heard_edit, "on_raw_message_edit")
        result = await world.wait_for_final(await world.slash("imagine", {"prompt": "a red fox"}))
        sent = world.emu.gateway.stats.routed[:]
        await world.emu.send_message(world.channel, world.alice, "what a fox")
        # Events reach the bot in the order they were sent: the member's message comes after the bot's own.
        await world.emu.wait_for(lambda: world.alice.id in authors, 10)

        own = [event for event, _ in sent if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE")]
        assert own, "the emulator sent the bot's own messages back, as Discord does"
        assert authors == [world.alice.id]
        assert result.id not in edited
