"""Where the bot finds Discord: its own API by default, or an emulator or proxy named in the settings."""

from __future__ import annotations

import logging

import discord.gateway
import discord.http
import yarl

from bot.settings import Settings

log = logging.getLogger(__name__)


def point_discord_at(settings: Settings) -> None:
    """Set discord.py's REST base and gateway before the bot connects (both are class attributes there)."""
    api_url = settings.discord_api_url.rstrip("/")
    if api_url != discord.http.Route.BASE:
        log.info("Discord REST API at %s (DISCORD_API_URL)", api_url)
        discord.http.Route.BASE = api_url
    if settings.discord_gateway_url:
        log.info("Discord gateway at %s (DISCORD_GATEWAY_URL)", settings.discord_gateway_url)
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
