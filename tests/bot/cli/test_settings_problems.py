"""Settings that cannot be loaded stop every command with the setting's name and why, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.settings import Settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no developer's .env
    for name in ("JOB_TIMEOUT_S", "METRICS_PORT", "DATABASE_URL", "LOG_LEVEL", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_invalid_values_are_listed_by_their_environment_names(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("JOB_TIMEOUT_S", "-3")
    clean_env.setenv("METRICS_PORT", "abc")
    assert main(["check"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "The settings cannot be loaded (environment or .env):",
        "  METRICS_PORT: Input should be a valid integer, unable to parse string as an integer",
        "  JOB_TIMEOUT_S: Input should be greater than 0",
    ]


def test_an_unparsable_database_url_says_what_it_should_look_like(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("DATABASE_URL", "bot:secret@db/bot")
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("DATABASE_URL is not a database URL; it must look like postgresql+asyncpg://")
    assert "secret" not in error


def test_a_log_level_or_format_logging_does_not_know_is_a_settings_error(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """LOG_LEVEL=verbose stopped `run` with logging's traceback; LOG_FORMAT=jsno logged console lines."""
    clean_env.setenv("LOG_LEVEL", "verbose")
    clean_env.setenv("LOG_FORMAT", "jsno")
    clean_env.setenv("METRICS_PORT", "91000")
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("The settings cannot be loaded (environment or .env):")
    assert [line.split(":")[0].strip() for line in error.splitlines()[1:]] == [
        "LOG_LEVEL",
        "LOG_FORMAT",
        "METRICS_PORT",
    ]
    assert "Traceback" not in error


def test_a_log_level_in_lower_case_is_read(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LOG_LEVEL", "debug")
    assert Settings(_env_file=None).log_level == "debug"
