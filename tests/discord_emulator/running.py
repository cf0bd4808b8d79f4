"""Running a discord.py client against the emulator for the length of a test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord

from .emulator import DiscordEmulator
from .patching import patch_discord


@contextlib.asynccontextmanager
async def running_client(
    emulator: DiscordEmulator, client: discord.Client, *, ready_timeout: float = 10.0
) -> AsyncIterator[discord.Client]:
    """Logs the client in, waits for on_ready, and closes it afterwards.

    Build the client with guild_ready_timeout=0.05 (or so): discord.py waits that long after the last
    GUILD_CREATE before it fires on_ready (default 2 s).
    """
    with patch_discord(emulator):
        task = asyncio.create_task(client.start(emulator.token), name="discord-emulator-client")
        try:
            ready = asyncio.create_task(client.wait_until_ready())
            done, _ = await asyncio.wait(
                {ready, task}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                ready.cancel()
                if task in done:
                    task.result()  # re-raises why the client stopped
                raise TimeoutError("the discord.py client did not become ready")
            yield client
        finally:
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=5)
