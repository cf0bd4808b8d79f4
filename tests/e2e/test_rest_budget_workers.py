"""Three `python -m bot worker` processes, each built by the real composition root with
DISCORD_REST_BUDGET=database, deliver a burst of 30 jobs a gateway queued in 10 channels, with the emulator
enforcing Discord's real limits.

The workers edit each job's response through the interaction token kept with the job, which Discord does not
count against the global limit; their bot-token requests take from the shared budget (its rows show it). The
bot-token burst itself, under the global limit, is tests/e2e/test_rest_budget_processes.py's.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import make_url

from tests.discord_emulator import DiscordEmulator, Guild
from tests.e2e.harness import World, running_world
from tests.e2e.job_messages import job_state

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
CHANNELS = 10
JOBS = 30


async def _start_worker(world: World, n: int) -> Any:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": world.emu.token,
        "DISCORD_API_URL": world.emu.http_url,
        "DISCORD_GATEWAY_URL": world.emu.gateway_url,
        "DATABASE_URL": world.database_url,
        "COMFYUI_URLS": world.fake.url,
        "COMFYUI_CLIENT_ID": f"budget-worker-{n}",
        "DATA_DIR": str(world.data_dir),
        "WORKER_ID": f"budget-worker-{n}",
        "DISCORD_REST_BUDGET": "database",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "console",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )


async def _read_log(process: Any, lines: list[str], running: asyncio.Event) -> None:
    """Keeps reading the worker's log (a full pipe would stall it); `running` once it runs the queue."""
    while line := (await process.stderr.readline()).decode():
        lines.append(line)
        if "running the queue" in line:
            running.set()


def _results_uploaded(emu: DiscordEmulator) -> Counter[int]:
    """Message id -> how many edits uploaded a result to it and said "done" (a job's final delivery; the
    previews uploaded while a job runs say "running")."""
    edits = emu.calls_matching("PATCH", r"/messages/\d+$")
    return Counter(
        int(c.path.rsplit("/", 1)[1])
        for c in edits
        if c.status == 200 and c.files and " · done" in json.dumps(c.json, ensure_ascii=False)
    )


def _channels(emu: DiscordEmulator, guild: Guild) -> None:
    for n in range(CHANNELS - 1):
        emu.add_channel(guild, f"art-{n}")


async def _budget_keys(database_url: str) -> list[str]:
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        return [row["key"] for row in await connection.fetch("SELECT key FROM rest_budget")]
    finally:
        await connection.close()


async def test_three_worker_processes_deliver_a_burst_through_the_shared_budget(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path, role="gateway", customize=_channels) as world:
        channels = [c for c in world.emu.world.channels.values() if c.guild_id == world.guild.id]
        workers = [await _start_worker(world, n) for n in range(WORKERS)]
        logs: list[list[str]] = [[] for _ in workers]
        running = [asyncio.Event() for _ in workers]
        readers = [
            asyncio.create_task(_read_log(w, log, r))
            for w, log, r in zip(workers, logs, running, strict=True)
        ]
        try:
            for n, event in enumerate(running):
                try:
                    await asyncio.wait_for(event.wait(), 60)
                except TimeoutError:
                    pytest.fail(f"worker {n} did not start:\n" + "".join(logs[n]))
            world.emu.rate_limits.enforce = True
            interactions = []
            for n in range(JOBS):
                member = (world.alice, world.bob, world.mod)[n % 3]
                channel = channels[n % len(channels)]
                interaction = await world.slash(
                    "imagine", {"prompt": f"fox {n}"}, member=member, channel=channel
                )
                interactions.append(interaction)
            responses = [
                (await world.wait_acked(i, 15), world.emu.original_response(i))[1] for i in interactions
            ]
            ids = {m.id for m in responses}
            await world.emu.wait_for(lambda: set(_results_uploaded(world.emu)) >= ids, 90)
        finally:
            for worker in workers:
                if worker.returncode is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                await asyncio.wait_for(worker.wait(), 30)
            await asyncio.gather(*readers)

        assert all("shared through the database" in "".join(log) for log in logs)
        assert world.emu.rate_limits.global_limit.refusals == 0
        # Delivered once: each job's result uploaded once to its one message, and no message posted beside it.
        assert _results_uploaded(world.emu) == Counter(dict.fromkeys(ids, 1))
        # And each shows it last: the worker telling queued jobs their places (maybe not the one that ran the
        # job) never sends a stale "queued" over the result (db/units/place_edits.py).
        shown = [world.emu.original_response(i) for i in interactions]
        assert [job_state(m) for m in shown] == ["done"] * JOBS
        assert sum(len(world.job_messages(c)) for c in channels) == JOBS
        assert world.emu.calls_matching("PATCH", r"^/webhooks/\d+/[^/]+/messages/\d+$")
        keys = await _budget_keys(postgres_url)
        assert any(key.endswith(":global") for key in keys), "the workers' bot-token requests took from it"
        assert any("GET /users/@me" in key for key in keys), "and told it what Discord's headers said"
