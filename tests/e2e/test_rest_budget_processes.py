"""Three bot processes on one token share Discord's REST limits through PostgreSQL (DISCORD_REST_BUDGET).

The emulator enforces Discord's real limits (50 requests/s per bot token, route buckets). Each process
logs in, waits at a barrier, then delivers its 40 jobs at once: a message and its final edit each, 240
bot-token requests within moments. The control run, each process on its own limits, meets the global limit
so often that it would get the address banned, to the point of jobs failing after discord.py's five tries.

With the shared budget every job is delivered and the global limit is met rarely, if at all: the budget
grants at most 45 requests in any second (tests/core/rest_budget), but a grant reaches Discord some time
later, and a process that stalls in between (the emulator's, or a sender's, on a machine loaded far beyond
its cores) sends its grants together with later ones. No budget kept by the senders can rule that out; what
Discord asks of a bot is to handle a 429 (discord.py waits its retry_after and retries) and to stay under its
invalid request limit (https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-
cloudflare-bans: 10,000 responses 401, 403 or 429 per 10 minutes, then a temporary ban of the address).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import discord
import pytest

from tests.core.rest_budget.stored import budget_rows
from tests.discord_emulator import DiscordEmulator, running_client

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 3
JOBS_PER_PROCESS = 40
CHANNELS = 30
# Discord's invalid request limit (see above) as a rate.
INVALID_REQUESTS_PER_S = 10_000 / 600


async def _start(
    emulator: DiscordEmulator, database_url: str, mode: str, name: str, channels: list[int]
) -> Any:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.rest_budget_client",
        emulator.http_url,
        emulator.token,
        database_url,
        mode,
        name,
        *map(str, channels),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )


async def _deliver_from_three_processes(
    emulator: DiscordEmulator, database_url: str, mode: str
) -> tuple[list[dict[str, float] | None], float]:
    """What each process's budget did (None: the process failed, a job lost to Discord's refusals), and
    how long the delivery took, from the barrier to the last process's end."""
    emulator.rate_limits.enforce = True
    guild = emulator.add_guild(name="Busy Server")
    channels = [emulator.add_channel(guild, f"art-{n}").id for n in range(CHANNELS)]
    # The gateway side: it receives the MESSAGE_CREATEs the emulator dispatches, and sends nothing itself.
    gateway = discord.Client(intents=discord.Intents.none())
    async with running_client(emulator, gateway):
        processes = [
            await _start(
                emulator,
                database_url,
                mode,
                f"p{p}",
                [channels[(p * JOBS_PER_PROCESS + n) % CHANNELS] for n in range(JOBS_PER_PROCESS)],
            )
            for p in range(PROCESSES)
        ]
        try:
            for process in processes:  # the barrier: every process logged in before any delivers
                assert await asyncio.wait_for(process.stdout.readline(), 60) == b"ready\n"
            went = time.monotonic()
            for process in processes:
                process.stdin.write(b"go\n")
                await process.stdin.drain()
            outputs = [await asyncio.wait_for(process.communicate(), 120) for process in processes]
            delivery_s = time.monotonic() - went
        finally:
            for process in processes:
                if process.returncode is None:
                    process.kill()
    reports = [
        json.loads(stdout) if process.returncode == 0 else None
        for process, (stdout, _) in zip(processes, outputs, strict=True)
    ]
    return reports, delivery_s


def _delivered(emulator: DiscordEmulator) -> Counter[str]:
    return Counter(m.content for messages in emulator.messages.values() for m in messages)


async def test_three_processes_sharing_the_budget_deliver_everything_well_within_discords_limits(
    discord_emulator: DiscordEmulator, postgres_url: str
) -> None:
    results, delivery_s = await _deliver_from_three_processes(discord_emulator, postgres_url, "database")
    reports = [report for report in results if report is not None]

    assert len(reports) == PROCESSES, "no process failed"
    refusals = discord_emulator.rate_limits.global_limit.refusals
    assert refusals <= INVALID_REQUESTS_PER_S * delivery_s, f"{refusals} 429s in {delivery_s:.1f} s"
    expected = {f"p{p}-{n}: done" for p in range(PROCESSES) for n in range(JOBS_PER_PROCESS)}
    assert _delivered(discord_emulator) == Counter(expected), "every job delivered once, and finished"
    assert all(report["takes"] >= 2 * JOBS_PER_PROCESS for report in reports)
    assert sum(report["waited_s"] for report in reports) > 0, "the budget held requests back"
    assert await budget_rows(postgres_url) > 0


async def test_without_the_shared_budget_the_same_burst_meets_the_global_limit(
    discord_emulator: DiscordEmulator, postgres_url: str
) -> None:
    _, delivery_s = await _deliver_from_three_processes(discord_emulator, postgres_url, "process")

    # discord.py retries a 429 after its retry_after, up to five tries: some jobs may even fail outright.
    refusals = discord_emulator.rate_limits.global_limit.refusals
    assert refusals > INVALID_REQUESTS_PER_S * delivery_s, f"{refusals} 429s in {delivery_s:.1f} s"
    assert await budget_rows(postgres_url) == 0
