"""Who keeps Discord's REST limits (DISCORD_REST_BUDGET), and a rate-limit proxy at DISCORD_API_URL."""

from __future__ import annotations

import discord
import discord.http
import pytest

from bot.cli.discord_endpoints import point_discord_at
from bot.cli.startup_failure import StartupFailure
from bot.cli.startup_rest_budget import budget_wanted, shared_rest_budget, token_key
from bot.rest_budget_hook import attach_rest_budget
from bot.settings import RestBudgetMode, Settings
from tests.core.rest_budget.stored import budget_rows
from tests.discord_emulator import DiscordEmulator

POSTGRES = "postgresql+asyncpg://bot:secret@db/bot"
SQLITE = "sqlite+aiosqlite:///./data/bot.db"
PROXY = "http://nirn-proxy:8080/api/v10"


def _settings(
    mode: RestBudgetMode, database_url: str, api_url: str = "https://discord.com/api/v10"
) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_rest_budget=mode,
        database_url=database_url,
        discord_api_url=api_url,
    )


@pytest.mark.parametrize(
    ("mode", "database_url", "api_url", "wanted"),
    [
        ("auto", POSTGRES, "https://discord.com/api/v10", True),
        ("auto", POSTGRES, "https://discord.com/api/v10/", True),
        ("auto", POSTGRES, PROXY, False),
        ("auto", SQLITE, "https://discord.com/api/v10", False),
        ("process", POSTGRES, "https://discord.com/api/v10", False),
        ("database", POSTGRES, PROXY, True),
    ],
)
def test_the_shared_budget_is_used_where_it_is_wanted(
    mode: RestBudgetMode, database_url: str, api_url: str, wanted: bool
) -> None:
    assert budget_wanted(_settings(mode, database_url, api_url)) is wanted


def test_a_shared_budget_on_sqlite_is_refused_with_the_fix() -> None:
    with pytest.raises(StartupFailure) as failure:
        budget_wanted(_settings("database", SQLITE))
    assert "DISCORD_REST_BUDGET=auto" in str(failure.value.fix)


def test_the_token_is_never_what_is_stored() -> None:
    token = "MTIz.secret.token"
    assert token not in token_key(token)
    assert len(token_key(token)) == 16


@pytest.mark.postgres
@pytest.mark.parametrize(("mode", "consulted"), [("auto", False), ("database", True)])
async def test_with_a_proxy_at_discord_api_url_requests_go_there_and_the_budget_steps_aside(
    discord_emulator: DiscordEmulator,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    mode: RestBudgetMode,
    consulted: bool,
) -> None:
    # The emulator stands in for the proxy: a URL that is not Discord's own.
    settings = _settings(mode, postgres_url, discord_emulator.http_url)
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)  # put back after the test
    point_discord_at(settings)
    token = discord_emulator.token
    async with shared_rest_budget(settings, token) as budget:
        assert (budget is not None) is consulted
        client = discord.Client(intents=discord.Intents.none())
        if budget is not None:
            attach_rest_budget(client, budget)
        async with client:
            await client.login(token)
            await client.application_info()

    assert discord_emulator.calls_matching("GET", r"^/users/@me$"), "the log-in went to DISCORD_API_URL"
    assert discord_emulator.calls_matching("GET", r"^/oauth2/applications/@me$")
    assert (await budget_rows(postgres_url) > 0) is consulted
