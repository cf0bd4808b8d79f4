"""Injected failures look like Discord's, so discord.py reacts to them as it would in production."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import discord
import pytest
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server


def make_bot() -> commands.Bot:
    return commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)


async def text_channel(bot: commands.Bot, server: Server) -> discord.TextChannel:
    channel = bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_injected_429_is_retried_by_discord_py(emulator: DiscordEmulator, server: Server) -> None:
    bot = make_bot()
    async with running_client(emulator, bot):
        channel = await text_channel(bot, server)
        fault = emulator.fail_next("POST", r"^/channels/\d+/messages$", 429, count=2, retry_after=0.01)
        sent = await channel.send("hello")

    assert fault.hits == 2
    statuses = [c.status for c in emulator.calls_matching("POST", r"^/channels/\d+/messages$")]
    assert statuses == [429, 429, 200]
    assert [m.content for m in emulator.messages[server.channel.id]] == ["hello"]
    assert emulator.message(sent.id).content == "hello"


@pytest.mark.parametrize("html", [False, True])
async def test_injected_503_surfaces_as_discord_server_error(
    emulator: DiscordEmulator, server: Server, html: bool
) -> None:
    bot = make_bot()
    async with running_client(emulator, bot):
        channel = await text_channel(bot, server)
        emulator.fail_next("POST", r"^/channels/\d+/messages$", 503, html=html)
        with pytest.raises(discord.DiscordServerError) as caught:
            await channel.send("hello")
        await channel.send("again")

    assert caught.value.status == 503
    assert ("<h1>503 Service Unavailable</h1>" in caught.value.text) is html
    assert [m.content for m in emulator.messages[server.channel.id]] == ["again"]


async def test_429_response_has_the_headers_discord_sends(emulator: DiscordEmulator) -> None:
    emulator.fail_next("GET", r"^/users/@me$", 429, retry_after=1.5)
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emulator.http_url}/users/@me", headers={"Authorization": f"Bot {emulator.token}"}
        ) as resp,
    ):
        body = await resp.json()
        assert resp.status == 429
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["Via"]
        assert resp.headers["X-RateLimit-Remaining"] == "0"
        assert body == {"message": "You are being rate limited.", "retry_after": 1.5, "global": False}


async def test_normal_responses_carry_rate_limit_headers(emulator: DiscordEmulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emulator.http_url}/users/@me", headers={"Authorization": f"Bot {emulator.token}"}
        ) as resp,
    ):
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json"
        assert int(resp.headers["X-RateLimit-Remaining"]) < int(resp.headers["X-RateLimit-Limit"])
        assert float(resp.headers["X-RateLimit-Reset-After"]) > 0
        assert resp.headers["X-RateLimit-Bucket"]


async def test_unknown_route_is_404_code_0_and_recorded(emulator: DiscordEmulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emulator.http_url}/stickers/1", headers={"Authorization": f"Bot {emulator.token}"}
        ) as resp,
    ):
        assert resp.status == 404
        assert (await resp.json())["code"] == 0
    assert [c.path for c in emulator.unknown_routes] == ["/stickers/1"]


async def test_upload_over_the_limit_is_rejected_with_413(emulator: DiscordEmulator, server: Server) -> None:
    emulator.upload_limit = 1024
    bot = make_bot()
    async with running_client(emulator, bot):
        channel = await text_channel(bot, server)
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send(file=discord.File(io.BytesIO(b"x" * 2048), "big.png"))
        await channel.send(file=discord.File(io.BytesIO(b"x" * 512), "small.png"))

    assert caught.value.status == 413
    assert caught.value.code == 40005
    (stored,) = emulator.messages[server.channel.id]
    assert [(a.filename, a.size) for a in stored.attachments] == [("small.png", 512)]


class SlowBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.proceed = asyncio.Event()
        self.errors: asyncio.Queue[BaseException] = asyncio.Queue()

        @self.tree.command(name="render", description="Slow render")
        async def render(interaction: discord.Interaction) -> None:
            await interaction.response.defer()
            await self.proceed.wait()
            try:
                await interaction.edit_original_response(content="done")
            except discord.HTTPException as exc:
                await self.errors.put(exc)


@pytest.mark.parametrize(
    ("error", "status", "code"), [("invalid_token", 401, 50027), ("unknown_webhook", 404, 10015)]
)
async def test_expired_token_fails_the_next_webhook_edit(
    emulator: DiscordEmulator, server: Server, error: str, status: int, code: int
) -> None:
    bot = SlowBot()
    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(server.guild, server.channel, server.alice, "render")
        await emulator.wait_for(lambda: interaction.deferred)
        emulator.expire_interaction_token(interaction, error)  # type: ignore[arg-type]
        bot.proceed.set()
        failure = await asyncio.wait_for(bot.errors.get(), 5)

    assert isinstance(failure, discord.HTTPException)
    assert (failure.status, failure.code) == (status, code)
    assert emulator.message(interaction.response_message_id or 0).edits == []


async def test_advancing_the_clock_past_15_minutes_expires_the_token(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = SlowBot()
    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(server.guild, server.channel, server.alice, "render")
        await emulator.wait_for(lambda: interaction.deferred)
        emulator.advance_clock(15 * 60 + 1)
        bot.proceed.set()
        failure = await asyncio.wait_for(bot.errors.get(), 5)

    assert isinstance(failure, discord.HTTPException)
    assert failure.code == 50027


async def test_second_callback_is_refused_with_40060(emulator: DiscordEmulator, server: Server) -> None:
    bot = make_bot()
    outcomes: asyncio.Queue[BaseException | None] = asyncio.Queue()

    @bot.tree.command(name="twice", description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        try:
            # A second ack through the raw adapter: discord.py itself would refuse before asking Discord.
            await interaction.followup.send("two")
            await bot.http.request(
                discord.http.Route(
                    "POST", "/interactions/{i}/{t}/callback", i=interaction.id, t=interaction.token
                ),
                json={"type": 4, "data": {"content": "again"}},
            )
        except discord.HTTPException as exc:
            await outcomes.put(exc)
        else:
            await outcomes.put(None)

    async with running_client(emulator, bot):
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "twice")
        second = await asyncio.wait_for(outcomes.get(), 5)

    assert isinstance(second, discord.HTTPException)
    assert (second.status, second.code) == (400, 40060)


async def test_callback_after_three_seconds_is_unknown_interaction(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot = make_bot()
    proceed = asyncio.Event()
    outcomes: asyncio.Queue[BaseException] = asyncio.Queue()

    @bot.tree.command(name="late", description="Answers too late")
    async def late(interaction: discord.Interaction) -> None:
        await proceed.wait()
        try:
            await interaction.response.send_message("sorry")
        except discord.HTTPException as exc:
            await outcomes.put(exc)

    async with running_client(emulator, bot):
        interaction = await emulator.send_slash_command(server.guild, server.channel, server.alice, "late")
        emulator.advance_clock(3.5)
        proceed.set()
        failure = await asyncio.wait_for(outcomes.get(), 5)

    assert isinstance(failure, discord.NotFound)
    assert failure.code == 10062
    assert not interaction.acked
