"""Start-up as a newcomer sees it: the real `python -m bot` process, its exit code and what it prints.

A step the bot cannot continue from (Discord unreachable, the token refused, the database unreachable) is
one line with the fix and a non-zero exit, never a traceback; every sub-command that talks to Discord goes
where DISCORD_API_URL and DISCORD_GATEWAY_URL say; library chatter stays below the bot's own lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.discord_emulator import DiscordEmulator
from tests.faults.bot_process import CommandRun, free_port, run_command
from tests.faults.world import running_world

pytestmark = [pytest.mark.faults]

# "2026-01-01 12:00:00,000 INFO    bot.cli.run: message" (LOG_FORMAT=console)
_LINE = re.compile(r"^\S+ \S+ (?P<level>[A-Z]+) +(?P<logger>[\w.]+): (?P<message>.*)$")
_OWN_PACKAGES = ("bot", "core", "comfy", "db")


def log_lines(text: str) -> list[tuple[str, str, str]]:
    """(level, logger, message) of every log line (a message's further lines belong to it)."""
    assert "Traceback" not in text, text
    lines: list[tuple[str, str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("====="):
            continue
        match = _LINE.match(line)
        if match is None:
            assert lines, f"output before the first log line: {line!r}\n{text}"
            level, logger, message = lines.pop()
            lines.append((level, logger, f"{message}\n{line}"))
            continue
        lines.append((match["level"], match["logger"], match["message"]))
    return lines


def assert_one_line_failure(run: CommandRun, *, says: str, exit_code: int) -> str:
    """The run ended with `exit_code`, its only ERROR line says `says` and a fix, and nothing else is loud."""
    assert "Traceback" not in run.output, run.output
    lines = log_lines(run.output)
    errors = [message for level, _, message in lines if level == "ERROR"]
    assert len(errors) == 1, run.output
    assert says in errors[0], run.output
    assert "(fix: " in errors[0], run.output
    assert run.exit_code == exit_code, run.output
    assert_no_library_chatter(lines)
    return errors[0]


def assert_no_library_chatter(lines: list[tuple[str, str, str]]) -> None:
    noisy = [(level, logger) for level, logger, _ in lines if logger.split(".")[0] not in _OWN_PACKAGES]
    assert not noisy, f"library lines at INFO: {noisy}"


def settings(tmp_path: Path, **overrides: str) -> dict[str, str]:
    base = {
        "DISCORD_TOKEN": "placeholder-token",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "DATA_DIR": str(tmp_path / "data"),
        "COMFYUI_URLS": f"http://127.0.0.1:{free_port()}",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "console",
    }
    return {**base, **overrides}


def emulated(emu: DiscordEmulator, tmp_path: Path, **overrides: str) -> dict[str, str]:
    discord = {
        "DISCORD_TOKEN": emu.token,
        "DISCORD_API_URL": emu.http_url,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
    }
    return settings(tmp_path, **{**discord, **overrides})


async def test_sync_publishes_the_commands_where_the_discord_urls_point(tmp_path: Path) -> None:
    async with DiscordEmulator() as emu:
        run = await run_command(["sync"], emulated(emu, tmp_path), tmp_path)
        assert run.exit_code == 0, run.output
        assert {"imagine", "song", "history"} <= set(emu.world.global_commands), run.output
        assert emu.calls_matching("PUT", r"/applications/\d+/commands$"), "sync went to the emulator"
    assert "Traceback" not in run.output
    assert emu.token not in run.output


async def test_sync_with_unreachable_discord_is_one_line_with_the_fix(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/v10"
    run = await run_command(["sync"], settings(tmp_path, DISCORD_API_URL=nowhere), tmp_path)
    assert_one_line_failure(run, says=f"cannot reach Discord at {nowhere}", exit_code=1)


async def test_run_with_unreachable_discord_is_one_line_with_the_fix(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/v10"
    run = await run_command(["run"], settings(tmp_path, DISCORD_API_URL=nowhere), tmp_path)
    error = assert_one_line_failure(run, says=f"cannot reach Discord at {nowhere}", exit_code=1)
    assert "DISCORD_API_URL" in error
    # The database step still said what it did (a new SQLite file is created and migrated).
    assert any("schema upgraded from empty" in message for _, _, message in log_lines(run.output))
    assert "voice" not in run.output, "discord.py's voice warnings: this bot never uses voice"


async def test_run_with_a_refused_token_is_one_line_with_the_fix(tmp_path: Path) -> None:
    async with DiscordEmulator() as emu:
        run = await run_command(
            ["run"], emulated(emu, tmp_path, DISCORD_TOKEN="not-the-bots-token.abc.def"), tmp_path
        )
    error = assert_one_line_failure(run, says="Discord refused DISCORD_TOKEN (401", exit_code=2)
    assert "Reset Token" in error
    assert "not-the-bots-token" not in run.output


async def test_run_with_an_unreachable_database_is_one_line_with_the_fix(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql+asyncpg://postgres:secret-pw-1234@127.0.0.1:{port}/bot"
    run = await run_command(["run"], settings(tmp_path, DATABASE_URL=url), tmp_path)
    error = assert_one_line_failure(run, says="cannot open the database", exit_code=1)
    assert f"nothing listens at 127.0.0.1:{port}" in error
    assert "secret-pw-1234" not in run.output


async def test_the_traceback_of_a_start_up_failure_is_there_at_debug(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/v10"
    run = await run_command(["run"], settings(tmp_path, DISCORD_API_URL=nowhere, LOG_LEVEL="DEBUG"), tmp_path)
    assert run.exit_code == 1, run.output
    assert "Traceback" in run.output
    assert "ClientConnectorError" in run.output


@pytest.mark.postgres
@pytest.mark.timeout(90)
async def test_start_up_is_one_line_per_step_and_a_comfyui_down_at_start_only_delays_jobs(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path, comfyui_down_at_start=True) as world:
        # /healthz says "connected" once discord.py is ready; the line is on_ready's, a task run just after.
        await world.bot.wait_for_log("connected to Discord's gateway")
        lines = log_lines(world.bot.log_text())
        messages = [message for _, _, message in lines]
        assert_no_library_chatter(lines)
        for step in ("database ", "logged in to Discord as", "workflows: ", "connected to Discord's gateway"):
            assert sum(message.startswith(step) for message in messages) == 1, (step, messages)
        down = [
            m for level, _, m in lines if level == "WARNING" and m.startswith(f"ComfyUI {world.fake.url}")
        ]
        assert len(down) == 1, messages
        assert "jobs wait until it answers" in down[0]

        place = world.places[0]
        interaction = await world.imagine(place, place.users[0], "a lighthouse in fog")
        await world.emu.wait_for(lambda: interaction.acked, 15)
        await world.fake.restart()
        message = await world.wait_for_final(interaction, timeout=60)
        assert message.attachments, "the job waited for ComfyUI and then ran"


async def test_too_few_shards_is_one_line_with_the_fix(tmp_path: Path) -> None:
    """Discord closes a shard that would hold too many servers with 4011; retrying cannot help."""
    async with DiscordEmulator() as emu:
        emu.gateway.max_guilds_per_shard = 1
        emu.add_guild_on_shard(0, 2)
        emu.add_guild_on_shard(1, 2)
        run = await run_command(["run"], emulated(emu, tmp_path, SHARD_COUNT="1"), tmp_path)
    error = assert_one_line_failure(run, says="Discord requires more shards (4011", exit_code=2)
    assert "SHARD_COUNT" in error
