"""Localized command names at sync: stored and shown per locale, refused where Discord refuses them."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.discord_emulator import DiscordEmulator, running_client

from .conftest import Server

GERMAN = {"draw": "zeichnen", "Draw something": "Etwas zeichnen", "big": "groß"}


class _German(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        return GERMAN.get(string.message) if locale is discord.Locale.german else None


async def _bot() -> tuple[commands.Bot, asyncio.Queue[discord.Interaction]]:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    seen: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    @bot.tree.command(name="draw", description="Draw something")
    @app_commands.choices(size=[app_commands.Choice(name="big", value="big")])
    async def draw(interaction: discord.Interaction, size: str) -> None:
        await seen.put(interaction)
        await interaction.response.send_message("ok")

    await bot.tree.set_translator(_German())
    return bot, seen


def _sync_route(emulator: DiscordEmulator) -> discord.http.Route:
    return discord.http.Route("PUT", "/applications/{app}/commands", app=emulator.application_id)


async def test_localizations_are_stored_and_each_client_sees_its_language(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot, seen = await _bot()
    server.alice.user.locale = "de"
    async with running_client(emulator, bot):
        await bot.tree.sync()
        stored = emulator.world.global_commands["draw"].payload
        [german] = emulator.world.command_menu("de", server.guild.id)
        [french] = emulator.world.command_menu("fr", server.guild.id)
        await emulator.send_slash_command(server.guild, server.channel, server.alice, "draw", {"size": "big"})
        received = await asyncio.wait_for(seen.get(), 5)

    assert stored["name_localizations"] == {"de": "zeichnen"}
    assert (german["name"], german["description"]) == ("zeichnen", "Etwas zeichnen")
    assert german["options"][0]["choices"][0]["name"] == "groß"
    assert french["name"] == "draw", "no French: the default"
    assert received.locale is discord.Locale.german
    assert received.command is not None
    assert received.command.name == "draw", "Discord sends the default name whatever the client's language"


@pytest.mark.parametrize(
    ("field", "localizations"),
    [
        ("name_localizations", {"de": "Zeichnen"}),  # a letter with a lowercase variant must be lowercase
        ("name_localizations", {"de": "etwas zeichnen"}),  # no spaces in a chat command's name
        ("name_localizations", {"de": "z" * 33}),
        ("name_localizations", {"german": "zeichnen"}),  # not a Discord locale
        ("description_localizations", {"de": ""}),
        ("description_localizations", {"de": "x" * 101}),
    ],
)
async def test_a_localization_discord_refuses_fails_the_sync(
    emulator: DiscordEmulator, server: Server, field: str, localizations: dict[str, str]
) -> None:
    bot, _ = await _bot()
    command: dict[str, Any] = {"name": "draw", "description": "Draw something", field: localizations}
    async with running_client(emulator, bot):
        with pytest.raises(discord.HTTPException) as refused:
            await bot.http.request(_sync_route(emulator), json=[command])
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert field in str(refused.value.text)
    assert "draw" not in emulator.world.global_commands


async def test_names_in_other_scripts_and_uncased_letters_are_accepted(
    emulator: DiscordEmulator, server: Server
) -> None:
    bot, _ = await _bot()
    names = {"hi": "चित्र", "th": "วาด", "ja": "描く", "de": "größe-ß", "uk": "малювати"}
    command = {"name": "draw", "description": "Draw", "name_localizations": names}
    async with running_client(emulator, bot):
        await bot.http.request(_sync_route(emulator), json=[command])
    assert emulator.world.global_commands["draw"].payload["name_localizations"] == names


@pytest.mark.parametrize(
    "options",
    [
        [{"name": "size"}, {"name": "size"}],
        # Distinct by default, the same for a German client: Discord refuses it too.
        [
            {"name": "size", "name_localizations": {"de": "größe"}},
            {"name": "height", "name_localizations": {"de": "größe"}},
        ],
        [{"name": "size", "name_localizations": {"de": "höhe"}}, {"name": "höhe"}],
    ],
)
async def test_option_names_that_clash_in_a_locale_fail_the_sync(
    emulator: DiscordEmulator, server: Server, options: list[dict[str, Any]]
) -> None:
    bot, _ = await _bot()
    typed = [{"type": 3, "description": "A size", **option} for option in options]
    command = {"name": "draw", "description": "Draw", "options": typed}
    async with running_client(emulator, bot):
        with pytest.raises(discord.HTTPException) as refused:
            await bot.http.request(_sync_route(emulator), json=[command])
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert "In 0.options: Option names must be unique" in str(refused.value.text)
    assert "draw" not in emulator.world.global_commands
