"""Pointing the real discord.py at the emulator by swapping two class attributes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import discord.gateway
import discord.http
import yarl

from .emulator import DiscordEmulator


@contextmanager
def patch_discord(emulator: DiscordEmulator) -> Iterator[None]:
    """Route.BASE and DEFAULT_GATEWAY point at the emulator inside the block and are restored after.

    Webhook and interaction calls use the same Route class, so they follow too.
    """
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = emulator.http_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
