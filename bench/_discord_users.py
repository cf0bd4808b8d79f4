"""The Discord side of bench/discord.py, in its own process: the emulator and the members who ask.

Protocol on stdio: prints one JSON line with the emulator's addresses, waits for "go" on stdin (the bot is
connected and ready), runs the phases, prints one JSON line of figures and exits.
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
import re
import statistics
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests.discord_emulator import Channel, DiscordEmulator, Guild, Interaction, Member
from tests.discord_emulator.recorder import RecordedCall
from tests.e2e.harness import is_final

# Which of Discord's limits a request counts against: the interaction's own token (its callback, and the
# webhook routes of /webhooks/{application.id}/{token}, "not bound to the bot's Global Rate Limit") or the
# bot token (the global 50/s and the route's bucket).
# https://discord.com/developers/docs/topics/rate-limits#global-rate-limit
REQUEST_KINDS = (
    ("interaction callback", "POST", re.compile(r"^/interactions/\d+/[^/]+/callback$")),
    ("token: edit response", "PATCH", re.compile(r"^/webhooks/\d+/[^/]+/messages/")),
    ("token: followup", "POST", re.compile(r"^/webhooks/\d+/[^/]+$")),
    ("bot: post message", "POST", re.compile(r"^/channels/\d+/messages$")),
    ("bot: edit message", "PATCH", re.compile(r"^/channels/\d+/messages/\d+$")),
    ("bot: reaction", "PUT", re.compile(r"^/channels/\d+/messages/\d+/reactions/")),
)


def request_kind(method: str, path: str) -> str:
    for name, wanted, pattern in REQUEST_KINDS:
        if method == wanted and pattern.match(path):
            return name
    if path.startswith(("/webhooks/", "/interactions/")):
        return f"token: {method} other"
    route = re.sub(r"/\d+", "/{id}", path)
    return f"bot: {method} {route}"


def requests_per_job(calls: list[RecordedCall], jobs: int) -> dict[str, float]:
    counted = Counter(request_kind(c.method, c.path) for c in calls)
    per_job = {name: round(count / jobs, 2) for name, count in sorted(counted.items())}
    per_job["all"] = round(len(calls) / jobs, 2)
    bot_token = sum(count for name, count in counted.items() if name.startswith("bot"))
    per_job["bot token (global limit)"] = round(bot_token / jobs, 2)
    per_job["interaction token (no global limit)"] = round((len(calls) - bot_token) / jobs, 2)
    return per_job


# A completion ping: a followup of the job's interaction while its token lasts, else a reply in the channel.
PING_KINDS = ("token: followup", "bot: post message")


def pings(calls: list[RecordedCall]) -> int:
    return sum(1 for c in calls if request_kind(c.method, c.path) in PING_KINDS)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


async def run_phase(
    emu: DiscordEmulator, guild: Guild, channel: Channel, members: list[Member], interval_s: float
) -> dict[str, object]:
    calls_before = len(emu.calls)
    sent_at: dict[int, dt.datetime] = {}

    async def send(i: int, member: Member) -> Interaction:
        await asyncio.sleep(i * interval_s)
        interaction = await emu.send_slash_command(
            guild, channel, member, "imagine", {"prompt": f"bench picture {i}"}
        )
        sent_at[interaction.id] = emu.world.now()  # the gateway frame is written
        return interaction

    loop = asyncio.get_running_loop()
    started = loop.time()
    interactions = await asyncio.gather(*(send(i, m) for i, m in enumerate(members)))
    await emu.wait_for(lambda: all(i.acked for i in interactions), timeout=30)
    acks_ms = []
    for interaction in interactions:
        callback = next(iter(emu.calls_matching("POST", rf"^/interactions/{interaction.id}/")))
        acks_ms.append((callback.at - sent_at[interaction.id]).total_seconds() * 1000)
    messages = [emu.original_response(i) for i in interactions]
    await emu.wait_for(lambda: all(is_final(m) for m in messages), timeout=600)
    finals_s = [
        (m.revisions[-1].at - sent_at[i.id]).total_seconds()
        for m, i in zip(messages, interactions, strict=True)
    ]
    edits = [len(m.revisions) - 1 for m in messages]
    # Each result's completion ping follows its final edit: count those too.
    with contextlib.suppress(TimeoutError):
        await emu.wait_for(lambda: pings(emu.calls[calls_before:]) >= len(interactions), timeout=15)
    calls = emu.calls[calls_before:]
    return {
        "interval_ms": interval_s * 1000,
        "ack_ms_p50": round(percentile(acks_ms, 0.5), 2),
        "ack_ms_p99": round(percentile(acks_ms, 0.99), 2),
        "edits_per_job_mean": round(statistics.mean(edits), 2),
        "edits_per_job_max": max(edits),
        "rest_calls": len(calls),
        "responses_429": sum(1 for c in calls if c.status == 429),
        "requests_per_job": requests_per_job(calls, len(interactions)),
        "final_s_p50": round(percentile(finals_s, 0.5), 2),
        "final_s_p99": round(percentile(finals_s, 0.99), 2),
        "wall_s": round(loop.time() - started, 2),
    }


async def main(jobs: int, interval_s: float) -> None:
    async with DiscordEmulator() as emu:
        guild = emu.add_guild(name="Bench")
        channel = emu.add_channel(guild, "gallery")
        members = [emu.add_member(guild, name=f"user{i}") for i in range(jobs)]
        address = {
            "http_url": emu.http_url,
            "gateway_url": emu.gateway_url,
            "token": emu.token,
            "guild_id": guild.id,
        }
        sys.stdout.write(json.dumps(address) + "\n")
        sys.stdout.flush()
        line = await asyncio.to_thread(sys.stdin.readline)
        if line.strip() != "go":
            return
        figures = {
            "paced": await run_phase(emu, guild, channel, members, interval_s),
            "burst": await run_phase(emu, guild, channel, members, 0.0),
        }
        sys.stdout.write(json.dumps(figures) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.02)
    args = parser.parse_args()
    asyncio.run(main(args.jobs, args.interval))
