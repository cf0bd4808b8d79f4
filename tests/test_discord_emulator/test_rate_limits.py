"""With `rate_limits.enforce`, the emulator answers Discord's 429s: the bot token's global limit and the
route buckets, with the headers Discord documents; a refused request changes nothing."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


async def _get_me(
    session: aiohttp.ClientSession, emulator: DiscordEmulator
) -> tuple[int, dict[str, str], object]:
    headers = {"Authorization": f"Bot {emulator.token}"}
    async with session.get(f"{emulator.http_url}/users/@me", headers=headers) as resp:
        return resp.status, dict(resp.headers), await resp.json()


async def test_over_50_requests_in_a_second_are_refused_as_global(emulator: DiscordEmulator) -> None:
    emulator.rate_limits.enforce = True
    async with aiohttp.ClientSession() as session:
        answers = await asyncio.gather(*(_get_me(session, emulator) for _ in range(60)))
    refused = [(headers, body) for status, headers, body in answers if status == 429]
    assert sum(1 for status, _, _ in answers if status == 200) == 50
    assert len(refused) == 10 == emulator.rate_limits.global_limit.refusals
    headers, body = refused[0]
    assert headers["X-RateLimit-Global"] == "true"
    assert headers["X-RateLimit-Scope"] == "global"
    assert headers["Via"]
    assert isinstance(body, dict)
    assert body["global"] is True
    assert 0 < body["retry_after"] <= 1.0


async def test_a_spent_route_bucket_is_refused_and_creates_nothing(
    emulator: DiscordEmulator, server: Server
) -> None:
    emulator.rate_limits.enforce = True
    url = f"{emulator.http_url}/channels/{server.channel.id}/messages"
    headers = {"Authorization": f"Bot {emulator.token}"}
    statuses = []
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    async with running_client(emulator, bot), aiohttp.ClientSession() as session:
        for n in range(6):
            async with session.post(url, json={"content": f"m{n}"}, headers=headers) as resp:
                statuses.append(resp.status)
                last = dict(resp.headers), await resp.json()
    assert statuses == [200] * 5 + [429]
    refused_headers, body = last
    assert refused_headers["X-RateLimit-Scope"] == "user"
    assert refused_headers["X-RateLimit-Remaining"] == "0"
    assert "X-RateLimit-Global" not in refused_headers
    assert isinstance(body, dict)
    assert body["global"] is False
    assert [m.content for m in emulator.messages[server.channel.id]] == [f"m{n}" for n in range(5)]


async def test_without_enforcement_nothing_is_refused(emulator: DiscordEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        answers = await asyncio.gather(*(_get_me(session, emulator) for _ in range(60)))
    assert {status for status, _, _ in answers} == {200}
