from pathlib import Path

import pytest
from pydantic import ValidationError

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


async def test_per_kind_timeouts_and_running_caps_reach_the_queue_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KIND_JOB_TIMEOUT_S", " Video=3600 , image=120,")
    monkeypatch.setenv("KIND_MAX_RUNNING_PER_USER", "video=2")
    monkeypatch.setenv("COMFYUI_CLIENT_ID", "test")

    queue = (await runtime_config(Settings(_env_file=None, data_dir=tmp_path))).queue

    assert queue.kind_timeouts_s == {"video": 3600.0, "image": 120.0}
    assert queue.kind_running_caps == {"video": 2}


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("KIND_JOB_TIMEOUT_S", "video=half an hour", "'video=half an hour' is not kind=number"),
        ("KIND_JOB_TIMEOUT_S", "video=0", "the number must be above 0"),
        ("KIND_MAX_RUNNING_PER_USER", "video=1.5", "'video=1.5' is not kind=number"),
    ],
)
def test_a_per_kind_value_that_is_not_a_number_is_a_settings_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, said: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=said):
        Settings(_env_file=None)


async def test_a_per_kind_setting_for_a_kind_the_bot_does_not_make_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KIND_MAX_RUNNING_PER_USER", "hologram=1")
    monkeypatch.setenv("COMFYUI_CLIENT_ID", "test")
    with pytest.raises(StartupFailure, match="KIND_MAX_RUNNING_PER_USER names 'hologram'"):
        await runtime_config(Settings(_env_file=None, data_dir=tmp_path))
