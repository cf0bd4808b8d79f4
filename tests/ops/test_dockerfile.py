"""The Dockerfile: multi-stage, slim, unprivileged, nothing secret inside, and a health check that works."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

from bot.metrics import MetricsServer
from tests.core.jobs.harness import running_core
from tests.fakes.comfyui import FakeComfyUI

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# Instructions with their continuation lines joined.
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n\s*", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


def instructions(keyword: str) -> list[str]:
    return [line[len(keyword) + 1 :] for line in INSTRUCTIONS if line.split(" ", 1)[0] == keyword]


def test_two_stages_on_python_slim_and_the_runtime_runs_unprivileged() -> None:
    stages = instructions("FROM")
    assert stages == ["python:3.11-slim AS build", "python:3.11-slim AS runtime"]
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    users = instructions("USER")
    assert users == ["bot"]
    assert "useradd --system --uid 10001" in runtime


def test_entry_point_is_python_m_bot_running_by_default() -> None:
    assert [json.loads(x) for x in instructions("ENTRYPOINT")] == [["python", "-m", "bot"]]
    assert [json.loads(x) for x in instructions("CMD")] == [["run"]]


def test_no_secret_is_baked_into_the_image() -> None:
    declared = " ".join(instructions("ENV") + instructions("ARG"))
    assert not re.search(r"TOKEN|PASSWORD|SECRET", declared)
    assert not any(".env" in line for line in instructions("COPY"))
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored
    assert ".git" in ignored


def healthcheck_command() -> list[str]:
    [healthcheck] = instructions("HEALTHCHECK")
    command: list[str] = json.loads(healthcheck.split("CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    return [sys.executable, *command[1:]]


async def run_healthcheck(tmp_path: Path, **env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k not in ("METRICS_PORT", "DATABASE_URL")}
    process = await asyncio.create_subprocess_exec(
        *healthcheck_command(),
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), 30)


async def test_healthcheck_follows_healthz_when_metrics_are_served(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    connected = [True]
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, _):
        server = MetricsServer(runtime, lambda: connected[0], port=0, host="127.0.0.1")
        await server.start()
        try:
            assert await run_healthcheck(tmp_path, METRICS_PORT=str(server.port)) == 0
            connected[0] = False  # /healthz answers 503
            assert await run_healthcheck(tmp_path, METRICS_PORT=str(server.port)) != 0
        finally:
            await server.stop()


async def test_healthcheck_without_metrics_only_needs_loadable_settings(tmp_path: Path) -> None:
    assert await run_healthcheck(tmp_path) == 0
    assert await run_healthcheck(tmp_path, JOB_TIMEOUT_S="not-a-number") != 0
