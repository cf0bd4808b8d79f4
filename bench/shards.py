"""Two gateway processes × two shards against the sharded emulator: routing and acknowledgement latency.

    python bench/shards.py              # 200 /imagine over 40 guilds, in a temporary PostgreSQL database
    python bench/shards.py --interactions 500 --guilds 100 --postgres postgresql+asyncpg://user@host/postgres
    python bench/shards.py --own-postgres  # a throwaway server of its own, whose CPU per job is measured too

The emulator (sharded as Discord is: GET /gateway/bot, IDENTIFY with `shard`, each guild's events on shard
(guild_id >> 22) % 4) and the fake ComfyUI run in this process; `python -m bot gateway` runs twice (SHARD_IDS
0,1 and 2,3 of SHARD_COUNT 4) and `python -m bot worker` once, each a real process on one PostgreSQL
database. The members ask from guilds spread over the four shards, --interval apart, while only the
gateways run (so their acknowledgements are measured, not the worker's uploads competing for the cores);
then the worker starts and runs the jobs they queued. Printed as one JSON line: interactions sent per shard
and routed per shard (equal when every event reached its guild's shard), how many were acknowledged (only
the process holding a shard can answer its interactions), the acknowledgement latency p50/p99/max (the
INTERACTION_CREATE frame written → the callback reaching the emulator; Discord refuses one later than 3 s),
the gateways' CPU per interaction (parse, check, answer, store the job, show it queued), how many of those
jobs the worker then delivered and its CPU per job doing so, Discord REST requests per job (through the
interaction's token, and with the bot token, which Discord's global 50 requests/s counts; the bot's own
log-ins included) and answers 429, the same requests per job by kind (log-ins left out), PostgreSQL's CPU per
interaction and per job (--own-postgres: every process of that server), how much the database grew per job,
and the machine's cores.
A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

import os.path
import sys

if sys.path and os.path.basename(os.path.abspath(sys.path[0])) == "bench":
    sys.path.pop(0)

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import tempfile
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from sqlalchemy import make_url, text

from bench._discord_users import percentile, pings, requests_per_job
from db.engine import create_engine
from db.migrate import upgrade_to_head
from tests.discord_emulator import DiscordEmulator, Interaction
from tests.discord_emulator.shards import shard_for
from tests.e2e.harness import is_final
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.faults.bot_process import BotProcess
from tests.faults.own_postgres import own_postgres
from tests.fixtures.database import create_postgres_database, drop_postgres_database

SHARD_COUNT = 4
GATEWAYS = ("0,1", "2,3")


@contextlib.asynccontextmanager
async def temporary_database(server: str) -> AsyncIterator[str]:
    name = f"bench_shards_{uuid.uuid4().hex[:10]}"
    url = await create_postgres_database(make_url(server), name)
    try:
        await upgrade_to_head(url)
        yield url
    finally:
        await drop_postgres_database(make_url(server), name)


async def bench(interactions: int, guild_count: int, interval_s: float, server: str | None) -> dict[str, Any]:
    """On `server`, or (None) on a PostgreSQL server of the bench's own, whose CPU is then measured too."""
    if server is not None:
        return await _bench_on(interactions, guild_count, interval_s, server, None)
    async with own_postgres() as own:
        return await _bench_on(interactions, guild_count, interval_s, own.url, own.cpu_s)


async def _bench_on(
    interactions: int,
    guild_count: int,
    interval_s: float,
    server: str,
    postgres_cpu_s: Callable[[], float] | None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        async with (
            temporary_database(server) as database_url,
            DiscordEmulator() as emu,
        ):
            emu.gateway.max_concurrency = SHARD_COUNT
            fake = FakeComfyUI(FakeConfig(step_time_s=0.005, default_steps=4), output_dir=workdir / "out")
            await fake.start()
            try:
                return await _run(
                    emu, fake, database_url, workdir, interactions, guild_count, interval_s, postgres_cpu_s
                )
            finally:
                await fake.stop()


async def _run(
    emu: DiscordEmulator,
    fake: FakeComfyUI,
    database_url: str,
    workdir: Path,
    count: int,
    guild_count: int,
    interval_s: float,
    postgres_cpu_s: Callable[[], float] | None,
) -> dict[str, Any]:
    postgres_cpu_s = postgres_cpu_s or (lambda: float("nan"))
    places = []
    for g in range(guild_count):
        guild = emu.add_guild_on_shard(g % SHARD_COUNT, SHARD_COUNT, name=f"guild {g}")
        channel = emu.add_channel(guild, "gallery")
        places.append((guild, channel, [emu.add_member(guild, name=f"member {g}-{u}") for u in range(5)]))
    common = {
        "DISCORD_TOKEN": emu.token,
        "DISCORD_API_URL": emu.http_url,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
        "DATABASE_URL": database_url,
        "COMFYUI_URLS": fake.url,
        "DATA_DIR": str(workdir / "data"),
        "SHARD_COUNT": str(SHARD_COUNT),
        "LOG_LEVEL": "WARNING",
        "DEV_GUILD_ID": str(places[0][0].id),
    }
    processes = [
        BotProcess(
            {**common, "WORKER_ID": f"gateway-{i}", "SHARD_IDS": ids},
            workdir,
            command="gateway",
            name=f"g{i}",
        )
        for i, ids in enumerate(GATEWAYS)
    ]
    processes.append(BotProcess({**common, "WORKER_ID": "worker-0"}, workdir, command="worker", name="w0"))
    try:
        await processes[0].start(60)  # it syncs the commands to DEV_GUILD_ID first
        await processes[1].start(60)
        # The gateways alone first: their acknowledgements do not compete with the worker's edits and uploads
        # for this machine's cores; then the worker runs the jobs they queued.
        cpu_before, postgres_before = [_cpu_s(p) for p in processes[:2]], postgres_cpu_s()
        bytes_before = await _database_bytes(database_url)
        calls_before = len(emu.calls)
        figures = await _ask(emu, places, count, interval_s)
        spent = [_cpu_s(p) - before for p, before in zip(processes[:2], cpu_before, strict=True)]
        figures["gateway_cpu_ms_per_interaction"] = round(sum(spent) * 1000 / count, 2)
        postgres_ms = (postgres_cpu_s() - postgres_before) * 1000
        figures["postgres_cpu_ms_per_interaction"] = round(postgres_ms / count, 2)
        asked_calls = emu.calls[calls_before:]
        worker = processes[2]
        await worker.start(60)
        worker_before, delivery_from = _cpu_s(worker), len(emu.calls)  # after its log-in
        postgres_before = postgres_cpu_s()
        delivered = figures["delivered"] = await _delivered(emu, figures.pop("_acked"))
        # Each result's completion ping (a followup, or a reply in its channel) follows its final edit: wait
        # for them too.
        with contextlib.suppress(TimeoutError):
            await emu.wait_for(lambda: pings(emu.calls[delivery_from:]) >= delivered, timeout=15)
        # Claim, post to ComfyUI, follow, fetch the result, edits, upload, ping, record: all of it.
        worker_ms = (_cpu_s(worker) - worker_before) * 1000
        figures["worker_cpu_ms_per_job"] = round(worker_ms / max(delivered, 1), 2)
        postgres_ms = (postgres_cpu_s() - postgres_before) * 1000
        figures["postgres_cpu_ms_per_job"] = round(postgres_ms / max(delivered, 1), 2)
        # What a delivered job leaves in the database (its row, events, artifacts' rows; not its files).
        grown = await _database_bytes(database_url) - bytes_before
        figures["database_bytes_per_job"] = round(grown / max(delivered, 1))
        figures.update(_rest_per_job(emu.calls[calls_before:], delivered))
        delivery_calls = emu.calls[delivery_from:]
        figures["requests_per_job"] = requests_per_job([*asked_calls, *delivery_calls], max(delivered, 1))
        return figures
    finally:
        for process in processes:
            await process.stop()


async def _database_bytes(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            size = await connection.scalar(text("SELECT pg_database_size(current_database())"))
    finally:
        await engine.dispose()
    return int(size)


def _cpu_s(process: BotProcess) -> float:
    """The process's CPU time so far (user + system, from /proc), in seconds."""
    assert process.process is not None
    fields = Path(f"/proc/{process.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _ask(emu: DiscordEmulator, places: list[Any], count: int, interval_s: float) -> dict[str, Any]:
    routed_before = len(emu.gateway.stats.routed)
    sent_at: dict[int, dt.datetime] = {}
    expected: Counter[int] = Counter()

    async def send(i: int) -> Interaction:
        await asyncio.sleep(i * interval_s)
        guild, channel, members = places[i % len(places)]
        member = members[(i // len(places)) % len(members)]
        expected[shard_for(guild.id, SHARD_COUNT)] += 1
        interaction = await emu.send_slash_command(
            guild, channel, member, "imagine", {"prompt": f"bench {i}"}
        )
        sent_at[interaction.id] = emu.world.now()
        return interaction

    sent = await asyncio.gather(*(send(i) for i in range(count)))
    with contextlib.suppress(TimeoutError):
        await emu.wait_for(lambda: all(i.acked for i in sent), timeout=30)
    acks_ms = []
    for interaction in sent:
        calls = emu.calls_matching("POST", rf"^/interactions/{interaction.id}/")
        if calls:
            acks_ms.append((calls[0].at - sent_at[interaction.id]).total_seconds() * 1000)
    acked = [i for i in sent if i.acked]
    routed = Counter(
        shard for event, shard in emu.gateway.stats.routed[routed_before:] if event == "INTERACTION_CREATE"
    )
    return {
        "gateway_processes": len(GATEWAYS),
        "shard_count": SHARD_COUNT,
        "interactions": count,
        "sent_per_shard": dict(sorted(expected.items())),
        "routed_per_shard": dict(sorted(routed.items())),
        "routed_to_their_shard": routed == expected,
        "acked": len(acked),
        "ack_ms_p50": round(percentile(acks_ms, 0.5), 2),
        "ack_ms_p99": round(percentile(acks_ms, 0.99), 2),
        "ack_ms_max": round(max(acks_ms, default=float("nan")), 2),
        "acked_late_over_3s": sum(1 for ms in acks_ms if ms > 3000),
        "cores": os.cpu_count(),
        "_acked": acked,
    }


def _rest_per_job(calls: list[Any], jobs: int) -> dict[str, Any]:
    """Discord REST requests per job, by what they count against: the interaction's token (its callback and
    webhook, outside the bot token's global limit) or the bot token (channel messages, DMs, reactions)."""
    token = sum(1 for c in calls if c.path.startswith(("/interactions/", "/webhooks/")))
    return {
        "rest_per_job_through_the_token": round(token / max(jobs, 1), 2),
        "rest_per_job_with_the_bot_token": round((len(calls) - token) / max(jobs, 1), 2),
        "responses_429": sum(1 for c in calls if c.status == 429),
    }


async def _delivered(emu: DiscordEmulator, acked: list[Interaction]) -> int:
    """How many acknowledged interactions' jobs the worker delivered (within 5 minutes)."""
    with contextlib.suppress(TimeoutError):
        await emu.wait_for(lambda: all(is_final(emu.original_response(i)) for i in acked), timeout=300)
    return sum(1 for i in acked if is_final(emu.original_response(i)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--guilds", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.04, help="seconds between two interactions")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server; the bench makes and drops its own database there",
    )
    parser.add_argument(
        "--own-postgres",
        action="store_true",
        help="start a throwaway PostgreSQL server instead (initdb, a free port) and measure its CPU too",
    )
    args = parser.parse_args()
    server = None if args.own_postgres else args.postgres
    figures = asyncio.run(bench(args.interactions, args.guilds, args.interval, server))
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
