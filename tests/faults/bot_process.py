"""The real bot as a separate process (`python -m bot run`), started, SIGKILLed and restarted by a test.

Its stderr (the log) goes to one file across restarts, so a test can scan everything the bot ever wrote.
Readiness is read from the bot's own `/healthz` (METRICS_PORT): the gateway is up and the core is running.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.settings import Settings

PROJECT = Path(__file__).resolve().parents[2]
SETTING_NAMES = {name.upper() for name in Settings.model_fields}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def clean_environment(settings: dict[str, str]) -> dict[str, str]:
    """Only the settings given: none of the developer's own bot settings leak in."""
    env = {key: value for key, value in os.environ.items() if key not in SETTING_NAMES}
    env.update(settings)
    env["PYTHONPATH"] = str(PROJECT)
    return env


@dataclass(frozen=True)
class CommandRun:
    exit_code: int
    output: str  # stdout and stderr together, as a terminal shows them


async def run_command(
    args: list[str], settings: dict[str, str], workdir: Path, timeout_s: float = 60.0
) -> CommandRun:
    """`python -m bot <args>` to its end (cwd `workdir`, so no developer's .env is read)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        cwd=workdir, env=clean_environment(settings),
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout_s)
    assert process.returncode is not None
    return CommandRun(process.returncode, output.decode(errors="replace"))


class BotProcess:
    """`python -m bot <command>`: `run` (everything), or `gateway` / `worker` with a log of its own (`name`).
    A worker's /healthz says `gateway_connected` once it is logged in over REST (it has no gateway)."""

    def __init__(
        self, env: dict[str, str], workdir: Path, *, command: str = "run", name: str = "bot"
    ) -> None:
        self.metrics_port = free_port()
        self.env = {**env, "METRICS_PORT": str(self.metrics_port)}
        self.workdir = workdir
        self.command = command
        self.log_path = workdir / f"{name}.log"
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, ready_within_s: float = 40.0) -> float:
        """Starts the bot and waits until /healthz says the gateway is connected; returns seconds taken."""
        assert not self.running, "the bot is already running"
        began = time.monotonic()
        env = clean_environment(self.env)
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts + 1} =====\n".encode())
            log.flush()
            # cwd is the test's folder: no .env of the developer's is read.
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", self.command,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.workdir, env=env,
            )  # fmt: skip
        self.starts += 1
        await self.wait_healthy(ready_within_s)
        return time.monotonic() - began

    async def health(self) -> dict[str, Any] | None:
        url = f"http://127.0.0.1:{self.metrics_port}/healthz"
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
                http.get(url) as response,
            ):
                report: dict[str, Any] = await response.json()
                return report
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None

    async def wait_healthy(self, within_s: float = 40.0, *, database: bool = False) -> dict[str, Any]:
        """Until /healthz shows a connected gateway (and, with database=True, a reachable database)."""
        deadline = time.monotonic() + within_s
        while True:
            if not self.running:
                raise AssertionError(f"the bot exited with {self.returncode()}:\n{self.log_tail()}")
            report = await self.health()
            if report and report.get("gateway_connected") and (not database or _database_ok(report)):
                return report
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the bot was not healthy within {within_s} s ({report}):\n{self.log_tail()}"
                )
            await asyncio.sleep(0.1)

    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode

    async def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye to the gateway or ComfyUI."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self, within_s: float = 30.0) -> int:
        """SIGTERM, as Docker or systemd stops it; its exit code (the test fails if it does not exit)."""
        self.send_sigterm()
        return await self.wait_exit(within_s)

    def send_sigterm(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    async def wait_exit(self, within_s: float = 30.0) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), within_s)

    async def wait_for_log(self, text: str, within_s: float = 15.0) -> None:
        """Until the log holds `text` (the bot sends no events to the test: its log file is read)."""
        deadline = time.monotonic() + within_s
        while text not in self.log_text():
            if time.monotonic() > deadline:
                raise AssertionError(f"the log never said {text!r}:\n{self.log_tail()}")
            await asyncio.sleep(0.05)

    async def stop(self, within_s: float = 15.0) -> int | None:
        """Ctrl-C (SIGINT), as an operator stops it; SIGKILL if it does not exit in time."""
        if not self.running:
            return self.returncode()
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.process.wait(), within_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()
        return self.process.returncode

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def _database_ok(report: dict[str, Any]) -> bool:
    return bool(report.get("database_reachable"))
