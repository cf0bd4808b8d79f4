"""The Discord front-end under load: 50 concurrent /imagine requests in one channel.

    python bench/discord.py                 # 50 jobs, SQLite in a temporary folder
    python bench/discord.py --jobs 100 --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/mydb

The real ComfyBot (discord.py) runs against the project's Discord emulator and fake ComfyUI, with the
production pacing (ReportingConfig defaults: one progress edit per message every 2 s, 5 edits per 5 s per
channel). Two phases, each with every job in flight at once: "paced" (one request every --interval seconds,
like people typing) and "burst" (all dispatched in the same instant). Printed as one JSON line per phase:
acknowledgement latency p50/p99 (INTERACTION_CREATE frame written → the callback reaching the emulator),
edits per job, requests answered 429, and time to the final result. Goal: ack p99 < 50 ms, zero 429s.
The emulator, the fake ComfyUI and the bot share one event loop here, so a burst measures their sum.
A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

# Run as a script, this file's folder comes first on sys.path, and this file would shadow the discord
# package itself: take the folder off before anything else is imported.
import os.path
import sys

if sys.path and os.path.basename(os.path.abspath(sys.path[0])) == "bench":
    sys.path.pop(0)

import argparse
import asyncio
import cProfile
import datetime as dt
import json
import pstats
import statistics
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bot.reporting.config import ReportingConfig
from db.migrate import upgrade_to_head
from tests.discord_emulator import DiscordEmulator, Guild, Interaction, Member, RecordedCall
from tests.e2e.harness import World, is_final, running_world
from tests.fakes.comfyui import FakeConfig


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def bench(
    jobs: int, database_url: str | None, step_time_s: float, steps: int, interval_s: float
) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-discord-") as folder:
        tmp = Path(folder)
        url = database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        await upgrade_to_head(url)
        members: list[Member] = []

        def add_members(emu: DiscordEmulator, guild: Guild) -> None:
            members.extend(emu.add_member(guild, name=f"user{i}") for i in range(jobs))

        async with running_world(
            url,
            tmp,
            fake_config=FakeConfig(step_time_s=step_time_s, default_steps=steps),
            reporting=ReportingConfig(),
            customize=add_members,
        ) as world:
            await world.runtime.guild_settings.update(
                world.guild.id,
                {"rate_capacity": jobs * 4, "rate_refill_per_minute": jobs * 4, "max_queued_per_user": 5},
            )
            figures: dict[str, object] = {"jobs": jobs, "database": url.split(":", 1)[0]}
            figures["paced"] = await _phase(world, members, interval_s)
            figures["burst"] = await _phase(world, members, 0.0)
            return figures


async def _phase(world: World, members: list[Member], interval_s: float) -> dict[str, object]:
    """Every member asks once, `interval_s` apart (0: all at once); all jobs are in flight together."""
    calls_before = len(world.emu.calls)
    sent_at: dict[int, dt.datetime] = {}

    async def send(i: int, member: Member) -> Interaction:
        await asyncio.sleep(i * interval_s)
        interaction = await world.slash("imagine", {"prompt": f"bench picture {i}"}, member=member)
        sent_at[interaction.id] = world.emu.world.now()  # the gateway frame is written
        return interaction

    started = time.perf_counter()
    profiler = _start_profile()
    interactions = await asyncio.gather(*(send(i, m) for i, m in enumerate(members)))
    await world.emu.wait_for(lambda: all(i.acked for i in interactions), timeout=30)
    _stop_profile(profiler)
    acks_ms = [(_callback(world, i).at - sent_at[i.id]).total_seconds() * 1000 for i in interactions]
    messages = [world.emu.original_response(i) for i in interactions]
    await world.emu.wait_for(lambda: all(is_final(m) for m in messages), timeout=600)
    elapsed = time.perf_counter() - started
    finals_s = [
        (m.revisions[-1].at - sent_at[i.id]).total_seconds()
        for m, i in zip(messages, interactions, strict=True)
    ]
    edits = [len(m.revisions) - 1 for m in messages]
    calls = world.emu.calls[calls_before:]
    return {
        "interval_ms": interval_s * 1000,
        "ack_ms_p50": round(percentile(acks_ms, 0.5), 2),
        "ack_ms_p99": round(percentile(acks_ms, 0.99), 2),
        "edits_per_job_mean": round(statistics.mean(edits), 2),
        "edits_per_job_max": max(edits),
        "rest_calls": len(calls),
        "responses_429": sum(1 for c in calls if c.status == 429),
        "final_s_p50": round(percentile(finals_s, 0.5), 2),
        "final_s_p99": round(percentile(finals_s, 0.99), 2),
        "wall_s": round(elapsed, 2),
    }


def _callback(world: World, interaction: Interaction) -> RecordedCall:
    return next(c for c in world.emu.calls_matching("POST", rf"^/interactions/{interaction.id}/"))


def _start_profile() -> cProfile.Profile | None:
    if not os.environ.get("BENCH_PROFILE"):
        return None
    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def _stop_profile(profiler: cProfile.Profile | None) -> None:
    if profiler is not None:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--step-time", type=float, default=0.02, help="fake ComfyUI seconds per sampler step")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument(
        "--interval", type=float, default=0.02, help="seconds between requests in the paced phase"
    )
    args = parser.parse_args()
    figures = asyncio.run(bench(args.jobs, args.database_url, args.step_time, args.steps, args.interval))
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
