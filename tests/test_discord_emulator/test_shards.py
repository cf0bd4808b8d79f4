"""Sharding as Discord does it: GET /gateway/bot, IDENTIFY with `shard`, each guild's events on its shard."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import discord

from tests.discord_emulator import DiscordEmulator, running_client
from tests.discord_emulator.shards import INVALID_SHARD, SHARDING_REQUIRED, shard_for


class ShardBot(discord.AutoShardedClient):
    def __init__(self, shard_ids: list[int], shard_count: int) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            shard_ids=shard_ids,
            shard_count=shard_count,
            guild_ready_timeout=0.05,
        )
        self.interactions: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between two IDENTIFYs (max_concurrency 1); the emulator does not count."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.interactions.put(interaction)


async def test_gateway_bot_recommends_shards_and_tells_the_start_limit(emulator: DiscordEmulator) -> None:
    emulator.gateway.recommended_shards = 4
    emulator.gateway.max_concurrency = 16
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{emulator.http_url}/gateway/bot", headers={"Authorization": f"Bot {emulator.token}"}
        ) as response,
    ):
        body = await response.json()
    assert body["shards"] == 4
    assert body["url"] == emulator.gateway_url.rstrip("/")
    assert body["session_start_limit"]["max_concurrency"] == 16
    assert body["session_start_limit"]["remaining"] == 1000


async def test_each_process_gets_only_the_guilds_and_events_of_its_shards(emulator: DiscordEmulator) -> None:
    first = emulator.add_guild_on_shard(0, 2, name="even")
    second = emulator.add_guild_on_shard(1, 2, name="odd")
    channels = {g.id: emulator.add_channel(g, "general") for g in (first, second)}
    members = {g.id: emulator.add_member(g, name="alice") for g in (first, second)}
    bot0, bot1 = ShardBot([0], 2), ShardBot([1], 2)
    async with running_client(emulator, bot0), running_client(emulator, bot1):
        assert [g.id for g in bot0.guilds] == [first.id]
        assert [g.id for g in bot1.guilds] == [second.id]
        sent = await emulator.send_slash_command(second, channels[second.id], members[second.id], "hello")
        received = await asyncio.wait_for(bot1.interactions.get(), 5)
        assert received.id == sent.id
        assert received.guild_id == second.id
        assert bot0.interactions.empty()
        assert ("INTERACTION_CREATE", shard_for(second.id, 2)) in emulator.gateway.stats.routed


async def _identify(emulator: DiscordEmulator, shard: Any) -> int | None:
    """A raw IDENTIFY with `shard`; the close code the gateway answers with (None: it accepted)."""
    async with aiohttp.ClientSession() as http, http.ws_connect(emulator.gateway_url) as ws:
        await ws.receive_json()  # HELLO
        identify = {"token": emulator.token, "intents": 1, "properties": {}, "shard": shard}
        await ws.send_str(json.dumps({"op": 2, "d": identify}))
        message = await ws.receive()
        return None if message.type is aiohttp.WSMsgType.TEXT else ws.close_code


async def test_a_shard_id_outside_the_count_is_refused_with_4010(emulator: DiscordEmulator) -> None:
    assert await _identify(emulator, [2, 2]) == INVALID_SHARD
    assert await _identify(emulator, [0, 0]) == INVALID_SHARD
    assert await _identify(emulator, "0,1") == INVALID_SHARD
    assert await _identify(emulator, [1, 2]) is None


async def test_too_many_guilds_on_one_shard_is_refused_with_4011(emulator: DiscordEmulator) -> None:
    emulator.gateway.max_guilds_per_shard = 1
    emulator.add_guild_on_shard(0, 2)
    emulator.add_guild_on_shard(1, 2)
    assert await _identify(emulator, [0, 1]) == SHARDING_REQUIRED
    assert await _identify(emulator, [0, 2]) is None
    assert emulator.gateway.stats.refused_shards == [SHARDING_REQUIRED]
