"""docker-compose.yml, .env.example and README's configuration table agree with the settings model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import make_url

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTING_NAMES = {name.upper() for name in Settings.model_fields}
BOT_SERVICES = ("migrate", "bot", "gateway", "worker")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_example() -> list[tuple[str, str, str]]:
    """(name, value, the comment just above it) for every assignment."""
    entries = []
    comment = ""
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith("#"):
            comment = line.lstrip("# ").strip()
        elif "=" in line:
            name, _, value = line.partition("=")
            entries.append((name.strip(), value.strip(), comment))
            comment = ""
    return entries


def readme_table() -> dict[str, str]:
    """Setting → its default cell, from the table under "## Configuration"."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return {
        match.group(1): match.group(2).strip()
        for match in re.finditer(r"^\| `([A-Z_]+)` \| ([^|]*) \|", section, flags=re.MULTILINE)
    }


def test_every_variable_compose_gives_the_bot_is_a_setting(compose: dict[str, Any]) -> None:
    for service in BOT_SERVICES:
        environment = compose["services"][service]["environment"]
        assert set(environment) <= SETTING_NAMES, f"{service}: {set(environment) - SETTING_NAMES}"
        assert compose["services"][service]["env_file"] == ".env"


def test_compose_database_url_points_at_its_postgres_service(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]["environment"]
    url = make_url(compose["services"]["bot"]["environment"]["DATABASE_URL"])
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port, url.username, url.database) == (
        "postgres",
        5432,
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_DB"],
    )
    assert url.password == postgres["POSTGRES_PASSWORD"]  # the same ${POSTGRES_PASSWORD:-...}


def test_compose_migrates_once_before_the_bot_starts(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["bot"]["command"] == ["run"]
    for name in ("bot", "gateway", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_scales_out_with_gateway_and_worker_services(compose: dict[str, Any]) -> None:
    """`docker compose up --scale worker=3` adds workers beside the one-process bot; none run by default."""
    services = compose["services"]
    assert services["gateway"]["command"] == ["gateway"]
    assert services["worker"]["command"] == ["worker"]
    assert services["gateway"]["scale"] == services["worker"]["scale"] == 0
    assert "scale" not in services["bot"]
    assert "ports" not in services["worker"], "a published port would clash between scaled workers"
    assert services["worker"]["volumes"] == services["bot"]["volumes"], "one DATA_DIR for every process"


def test_compose_comfyui_is_optional_and_volumes_are_named(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["comfyui"]["profiles"] == ["comfyui"]
    assert all(
        "profiles" not in services[name] for name in ("postgres", "migrate", "bot", "gateway", "worker")
    )
    named = {
        mount.split(":", 1)[0]
        for service in services.values()
        for mount in service.get("volumes", [])
        if not mount.startswith((".", "/"))
    }
    assert (
        named
        == set(compose["volumes"])
        == {"postgres-data", "bot-data", "comfyui-data", "prometheus-data", "grafana-data"}
    )


def test_env_example_lists_every_setting_once_with_a_comment() -> None:
    entries = env_example()
    names = [name for name, _, _ in entries]
    assert sorted(names) == sorted(SETTING_NAMES)
    assert all(comment for _, _, comment in entries), "every setting needs a comment above it"


def test_env_example_values_are_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    from_example = Settings(_env_file=ROOT / ".env.example")
    assert from_example.model_dump() == Settings(_env_file=None).model_dump()


def test_readme_configuration_table_lists_every_setting_with_its_default() -> None:
    table = readme_table()
    assert set(table) == SETTING_NAMES
    defaults = Settings(_env_file=None)
    for name, value, _ in env_example():
        if value and name not in ("DATA_DIR",):
            shown = value.removesuffix(".0") if name == "JOB_TIMEOUT_S" else value
            assert f"`{shown}`" in table[name], f"README's default for {name} is not `{shown}`"
    assert str(defaults.data_dir) in table["DATA_DIR"]
