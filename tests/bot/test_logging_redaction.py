"""Secrets never reach the log: real code paths run with a token and a password set, the output is scanned."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from discord.ext import commands

from bot.logging_setup import configure_logging, operator_secrets, redact_url_credentials
from bot.settings import Settings
from bot.ui.failure_detail import detail_block
from tests.bot.cli.helpers import WELL_FORMED_TOKEN, bot_env, run_bot
from tests.discord_emulator import DiscordEmulator, running_client

PASSWORD = "hunter2-Pa55word"


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging replaces the root handlers: put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize("log_format", ["console", "json"])
async def test_run_with_an_unreachable_database_logs_neither_password_nor_token(
    log_format: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    env = bot_env(
        DISCORD_TOKEN=WELL_FORMED_TOKEN,
        DATABASE_URL=f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:{unused_tcp_port}/bot",
        LOG_LEVEL="DEBUG",
        LOG_FORMAT=log_format,
        DATA_DIR=str(tmp_path / "data"),
    )
    result = await run_bot(["run"], env, cwd=tmp_path)
    assert result.code != 0
    output = result.stdout + result.stderr
    assert "Connect call failed" in output  # the failure itself is reported...
    assert PASSWORD not in output  # ...but no secret with it
    assert WELL_FORMED_TOKEN not in output
    assert WELL_FORMED_TOKEN.split(".")[-1] not in output
    if log_format == "json":
        documents = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
        assert any(doc["level"] == "ERROR" and "exception" in doc for doc in documents)


class ReplyingBot(commands.Bot):
    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.done = asyncio.Event()

        @self.tree.command(name="imagine", description="Make a picture")
        async def imagine(interaction: discord.Interaction, prompt: str) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content=f"Drawing {prompt}")
            await interaction.followup.send("Done!")
            self.done.set()


async def test_interaction_and_bot_tokens_in_discord_py_debug_lines_are_scrubbed(
    discord_emulator: DiscordEmulator, root_logging: None
) -> None:
    captured = io.StringIO()
    configure_logging("DEBUG", "console", secrets=[discord_emulator.token], stream=captured)
    guild = discord_emulator.add_guild(name="Art Club")
    channel = discord_emulator.add_channel(guild, "gallery")
    alice = discord_emulator.add_member(guild, name="alice")
    bot = ReplyingBot()
    async with running_client(discord_emulator, bot):
        interaction = await discord_emulator.send_slash_command(
            guild, channel, alice, "imagine", {"prompt": "a fox"}
        )
        await asyncio.wait_for(bot.done.wait(), 5)
    log = captured.getvalue()
    # discord.py logged the webhook routes that carry the interaction token...
    assert f"/interactions/{interaction.id}/[token]/callback" in log
    assert "/webhooks/" in log
    # ...and neither that token nor the bot's own appears anywhere.
    assert interaction.token not in log
    assert discord_emulator.token not in log


def test_secret_shaped_strings_are_scrubbed_even_when_not_configured(root_logging: None) -> None:
    captured = io.StringIO()
    configure_logging("INFO", "json", stream=captured)
    log = logging.getLogger("bot.test")
    log.info("connecting with %s", WELL_FORMED_TOKEN)
    log.warning("engine url postgresql+asyncpg://bot:%s@db:5432/bot", PASSWORD)
    try:
        raise RuntimeError(f"webhook https://discord.com/api/webhooks/123456/{'x' * 68} failed")
    except RuntimeError:
        log.exception("delivery failed")
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [line["message"] for line in lines] == [
        "connecting with [token]",
        "engine url postgresql+asyncpg://[credentials]@db:5432/bot",
        "delivery failed",
    ]
    assert "webhooks/123456/[token] failed" in lines[2]["exception"]
    assert "x" * 68 not in captured.getvalue()


def test_an_interaction_token_anywhere_is_scrubbed(root_logging: None) -> None:
    """A job keeps its interaction's token (for the worker that shows it), so SQLAlchemy's DEBUG lines carry
    it among a statement's parameters, outside any URL."""
    token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5OmFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OQ"
    captured = io.StringIO()
    configure_logging("DEBUG", "console", stream=captured)
    logging.getLogger("sqlalchemy.engine.Engine").info("[cached since 2s ago] (7, %r, 'a red fox')", token)
    assert token not in captured.getvalue()
    assert "(7, '[token]', 'a red fox')" in captured.getvalue()


@pytest.mark.parametrize(
    "userinfo",
    [
        f":{PASSWORD}",  # a key as the password, with an empty user name
        PASSWORD,  # a key as the user name, common for API keys behind a proxy
        f"me:{PASSWORD}",
        f"me:{PASSWORD}@2",  # an "@" the owner did not percent-encode
    ],
)
def test_a_urls_user_name_and_password_are_hidden_in_the_log(userinfo: str, root_logging: None) -> None:
    """A ComfyUI behind a proxy taking a key: COMFYUI_URLS=https://key@host or https://:key@host."""
    url = f"https://{userinfo}@gpu-1:8188/prompt"
    assert redact_url_credentials(url) == "https://[credentials]@gpu-1:8188/prompt"
    captured = io.StringIO()
    configure_logging("INFO", "console", stream=captured)
    logging.getLogger("comfy.test").warning("ComfyUI at %s is not reachable", url)
    assert PASSWORD not in captured.getvalue()
    assert "https://[credentials]@gpu-1:8188/prompt is not reachable" in captured.getvalue()


def test_an_at_sign_in_a_urls_path_is_no_credentials() -> None:
    """Discord's webhook routes end in /messages/@original: the host and port before it stay readable."""
    url = "http://127.0.0.1:8080/api/v10/webhooks/1/[token]/messages/@original"
    assert redact_url_credentials(url) == url
    assert redact_url_credentials("mail ops@example.com") == "mail ops@example.com"


def test_a_failures_detail_shown_to_managers_hides_what_the_log_hides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The log's secrets and the detail's (bot.ui.failure_detail) are one list: the token and the
    database password are scrubbed from what a server said before a manager or the log channel sees it."""
    monkeypatch.setenv("DISCORD_TOKEN", WELL_FORMED_TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://bot:{PASSWORD}@db.internal/bot")
    secrets = operator_secrets(Settings(_env_file=None))

    said = detail_block(f"auth failed for {PASSWORD!r} with {WELL_FORMED_TOKEN}", secrets=secrets)

    assert PASSWORD not in said
    assert WELL_FORMED_TOKEN not in said
    assert set(secrets) == {WELL_FORMED_TOKEN, PASSWORD}
