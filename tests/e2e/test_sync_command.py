"""`python -m bot sync` publishes the running bot's commands globally, and nothing else happens."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.startup_failure import StartupFailure
from bot.cli.sync import sync
from bot.settings import Settings
from tests.discord_emulator import DiscordEmulator, patch_discord


async def test_sync_publishes_the_commands_globally(
    discord_emulator: DiscordEmulator, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=discord_emulator.token,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",  # never opened
        comfyui_urls="http://127.0.0.1:9",  # never contacted
        data_dir=tmp_path / "data",
        dev_guild_id=12345,
    )
    with patch_discord(discord_emulator):
        assert await sync(settings) == 0
    [published] = discord_emulator.calls_matching("PUT", r"^/applications/\d+/commands$")
    names = {command["name"] for command in published.json}
    assert {"imagine", "song"} <= names
    imagine = next(c for c in published.json if c["name"] == "imagine")
    options = {o["name"]: o for o in imagine["options"]}
    assert [c["value"] for c in options["aspect_ratio"]["choices"]] == [
        "1:1",
        "16:9",
        "9:16",
        "4:3",
        "3:4",
        "3:2",
        "2:3",
        "21:9",
    ]
    assert options["count"]["min_value"] == 1
    assert options["count"]["max_value"] == 4
    assert options["style"]["autocomplete"] is True
    assert options["workflow"]["autocomplete"] is True
    assert options["document"]["type"] == 11  # an attachment
    assert discord_emulator.calls_matching("PUT", r"/guilds/\d+/commands$") == [], "no guild sync"
    assert not discord_emulator.gateway.connected


async def test_sync_without_a_token_explains_what_is_missing(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, discord_token="", data_dir=tmp_path)  # type: ignore[call-arg]
    with pytest.raises(StartupFailure) as refused:
        await sync(settings)
    assert refused.value.exit_code == 2
    assert "DISCORD_TOKEN" in str(refused.value)
