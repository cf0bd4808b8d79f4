"""The bot a World runs: its settings and runtime configuration from the World, and its connection to the
emulator (discord.py pointed at it, ready or failed within 10 s)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from bot.client import ComfyBot
from bot.runtime import RuntimeConfig
from bot.settings import Settings
from tests.core.jobs.harness import FAST_CLIENT
from tests.discord_emulator import DiscordEmulator
from tests.discord_emulator.patching import patch_discord

if TYPE_CHECKING:
    from tests.e2e.harness import World


def runtime_config(world: World) -> RuntimeConfig:
    return RuntimeConfig(
        database_url=world.database_url,
        comfyui_urls=[world.fake.url],
        data_dir=world.data_dir,
        client_id="e2e-bot",
        queue=world.queue,
        client=FAST_CLIENT,
        health_interval_s=0.3,
        workflows_dir=world.workflows_dir,
        deleted_files_grace_s=world.deleted_files_grace_s,
        enabled_kinds=world.enabled_kinds,
        personal_limits=world.personal_limits,
        moderation=world.moderation,
        failure_notices=world.failure_notices,
        open_file=world.open_file,
        safety=world.safety,
    )


def bot_settings(world: World) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=world.emu.token,
        database_url=world.database_url,
        comfyui_urls=world.fake.url,
        data_dir=world.data_dir,
        dev_guild_id=world.guild.id,
        bot_owner_ids=world.bot_owner_ids,
    )


class FastBot(ComfyBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py sleeps 5 s before a re-IDENTIFY; the emulator does not rate limit it


@contextlib.asynccontextmanager
async def connected(emu: DiscordEmulator, bot: ComfyBot) -> AsyncIterator[ComfyBot]:
    with patch_discord(emu):
        task = asyncio.create_task(bot.start(emu.token), name="e2e-bot")
        try:
            ready = asyncio.create_task(bot.wait_until_ready())
            # A bound, not a timing: ready in about a second here, but a restarted bot on a loaded machine
            # (the suite's two processes on two cores, beside a test's own) once took more than 10 s.
            done, _ = await asyncio.wait({ready, task}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                ready.cancel()
                if task in done:
                    task.result()
                raise TimeoutError("the bot did not become ready")
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=5)
