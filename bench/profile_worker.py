"""Where a worker's CPU per job goes: bench/queue.py's single-process run under cProfile.

    python -m bench.profile_worker                      # 300 jobs on 1 fake backend, top 40 by own time
    python -m bench.profile_worker --backends 8 --sort cumulative --top 60
    python -m bench.profile_worker --dump /tmp/worker.prof   # for snakeviz / pstats

Only the event loop's thread is profiled (aiosqlite and file writes run in threads of their own); the
figures printed beside the profile say how much CPU went there. Profiling slows every Python call, so read
the shares, not the absolute times: the unprofiled figure is bench/queue.py's process_cpu_ms_per_job. The
last lines group the loop thread's own time by package (comfy/, core/, db/, aiohttp, sqlalchemy, asyncio...).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench import queue as queue_bench
from bot.runtime import CoreRuntime

_GROUPS = (
    ("/comfy/", "comfy/"),
    ("/core/", "core/"),
    ("/db/", "db/"),
    ("/bot/", "bot/"),
    ("/background/", "background/"),
    ("aiohttp", "aiohttp"),
    ("yarl", "yarl/multidict"),
    ("multidict", "yarl/multidict"),
    ("sqlalchemy", "sqlalchemy"),
    ("aiosqlite", "aiosqlite"),
    ("asyncpg", "asyncpg"),
    ("pydantic", "pydantic"),
    ("asyncio", "asyncio"),
    ("json", "json"),
    ("logging", "logging"),
)


def _group(filename: str, function: str) -> str:
    for fragment, name in _GROUPS:
        if fragment in filename:
            return name
    if filename == "~":  # a C function: say which kind
        if "socket" in function or "epoll" in function:
            return "socket/epoll (C)"
        return "builtins (C)"
    return "other"


def by_package(stats: pstats.Stats, jobs: int) -> list[tuple[str, float]]:
    own: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        own[_group(filename, function)] += tottime
    return sorted(((name, spent / jobs * 1000) for name, spent in own.items()), key=lambda kv: -kv[1])


async def profiled_run(args: argparse.Namespace, profiler: cProfile.Profile) -> dict[str, Any]:
    original_start, original_close = CoreRuntime.start, CoreRuntime.close
    clock: dict[str, float] = {}

    async def start(self: CoreRuntime, **kwargs: Any) -> None:
        clock["process"], clock["thread"] = time.process_time(), time.thread_time()
        profiler.enable()
        await original_start(self, **kwargs)

    async def close(self: CoreRuntime) -> None:
        profiler.disable()
        clock["process"] = time.process_time() - clock["process"]
        clock["thread"] = time.thread_time() - clock["thread"]
        await original_close(self)

    CoreRuntime.start, CoreRuntime.close = start, close  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as directory:
        result = await queue_bench.throughput(
            args.backends, args.jobs, args.guilds, args.step_ms / 1000, args.steps, Path(directory)
        )
    result["profiled_process_cpu_ms_per_job"] = round(clock["process"] / args.jobs * 1000, 3)
    result["profiled_loop_thread_cpu_ms_per_job"] = round(clock["thread"] / args.jobs * 1000, 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--backends", type=int, default=1)
    parser.add_argument("--step-ms", type=float, default=12.5)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", type=Path)
    parser.add_argument(
        "--wall", action="store_true", help="time calls by the wall clock (cheaper, but counts preemption)"
    )
    args = parser.parse_args()
    # By default the loop thread's own CPU clock: waiting in epoll, or for a core the machine's other
    # processes hold, costs no CPU and must not show as if it did.
    profiler = cProfile.Profile() if args.wall else cProfile.Profile(time.thread_time)
    result = asyncio.run(profiled_run(args, profiler))
    if args.dump:
        profiler.dump_stats(args.dump)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    print({k: v for k, v in result.items() if "cpu" in k or k in ("jobs", "backends", "failed")})
    print("loop thread's own time per job, by package (ms, profiled):")
    for name, ms in by_package(stats, args.jobs):
        print(f"  {name:16} {ms:8.3f}")


if __name__ == "__main__":
    main()
