from pathlib import Path

import pytest

from bot.cli.runtime_config import runtime_config
from bot.cli.startup_failure import StartupFailure
from bot.settings import Settings


def test_defaults_use_embedded_sqlite_and_local_comfyui(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "COMFYUI_URLS", "DATA_DIR", "WORKFLOWS_DIR", "DEV_GUILD_ID"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./data/bot.db"
    assert settings.comfyui_url_list == ["http://127.0.0.1:8188"]
    assert settings.data_dir == Path("./data")
    assert settings.workflows_dir is None


def test_comfyui_urls_are_split_and_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMFYUI_URLS", " http://a:8188/ , http://b:8188,,")
    monkeypatch.setenv("DEV_GUILD_ID", "")
    settings = Settings(_env_file=None)
    assert settings.comfyui_url_list == ["http://a:8188", "http://b:8188"]
    assert settings.dev_guild_id is None


def test_token_is_secret_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTIz.secret-token-value")
    settings = Settings(_env_file=None)
    assert "secret-token-value" not in repr(settings)
    assert settings.discord_token.get_secret_value() == "MTIz.secret-token-value"


def test_enabled_kinds_are_split_trimmed_and_lower_cased(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENABLED_KINDS", " Image , ,song")
    assert Settings(_env_file=None).enabled_kind_list == ("image", "song")


def test_empty_enabled_kinds_means_every_kind_a_backend_can_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENABLED_KINDS", "")
    assert Settings(_env_file=None).enabled_kind_list is None


async def test_enabled_kinds_reach_the_runtime_and_an_unknown_one_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ENABLED_KINDS", "image")
    monkeypatch.setenv("COMFYUI_CLIENT_ID", "test")
    assert (await runtime_config(Settings(_env_file=None, data_dir=tmp_path))).enabled_kinds == ("image",)
    monkeypatch.setenv("ENABLED_KINDS", "image,hologram")
    with pytest.raises(StartupFailure, match="ENABLED_KINDS names 'hologram'"):
        await runtime_config(Settings(_env_file=None, data_dir=tmp_path))
