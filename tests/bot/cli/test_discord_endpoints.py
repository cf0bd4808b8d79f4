"""DISCORD_API_URL and DISCORD_GATEWAY_URL point discord.py at an emulator; the defaults change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import discord.gateway
import discord.http
import pytest
import yarl

from bot.cli.discord_endpoints import point_discord_at
from bot.settings import Settings


@pytest.fixture
def restored() -> Iterator[None]:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def test_the_defaults_leave_discord_py_on_discord(restored: None) -> None:
    point_discord_at(Settings(_env_file=None))  # type: ignore[call-arg]
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == str(yarl.URL("wss://gateway.discord.gg/"))


def test_an_emulator_url_is_used_for_rest_and_gateway(restored: None) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_api_url="http://127.0.0.1:5555/api/v10/",
        discord_gateway_url="ws://127.0.0.1:5555/",
    )
    point_discord_at(settings)
    assert discord.http.Route.BASE == "http://127.0.0.1:5555/api/v10"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == str(yarl.URL("ws://127.0.0.1:5555/"))
