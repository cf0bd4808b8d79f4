"""One bot process for tests/e2e/test_rest_budget_processes.py: logs in over REST through the composition
root's own budget step, says "ready", waits for "go" on stdin, then delivers its jobs (a message and its
final edit each) all at once, and prints what its budget did as one JSON line.

    python -m tests.e2e.rest_budget_client API_URL TOKEN DATABASE_URL MODE NAME CHANNEL_ID...
"""

from __future__ import annotations

import asyncio
import json
import sys

import discord

from bot.cli.discord_endpoints import point_discord_at
from bot.cli.startup_rest_budget import shared_rest_budget
from bot.rest_budget_hook import attach_rest_budget
from bot.settings import Settings


async def deliver(client: discord.Client, channel_id: int, job: str) -> None:
    message = await client.get_partial_messageable(channel_id).send(f"{job}: working")
    await message.edit(content=f"{job}: done")


async def main(argv: list[str]) -> None:
    api_url, token, database_url, mode, name, *channels = argv
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=token,
        discord_api_url=api_url,
        database_url=database_url,
        discord_rest_budget=mode,
    )
    point_discord_at(settings)
    async with shared_rest_budget(settings, token) as budget:
        client = discord.Client(intents=discord.Intents.none())
        if budget is not None:
            attach_rest_budget(client, budget)
        async with client:
            await client.login(token)
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
            jobs = [deliver(client, int(channel), f"{name}-{n}") for n, channel in enumerate(channels)]
            await asyncio.gather(*jobs)
        report = {"takes": budget.takes if budget else 0, "waited_s": budget.waited_s if budget else 0.0}
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
