"""A fault world with the bot split into processes (bot.roles): gateway processes holding shards and worker
processes with no gateway, all real (`python -m bot gateway|worker`), on one PostgreSQL and one DATA_DIR.

    async with running_split_world(url, tmp_path, gateways=[[0], [1]], shard_count=2, workers=2) as w:
        place = w.places[1]                 # guilds alternate shards: place i is on shard i % shard_count
        await w.processes["worker-0"].kill()

Each process logs to its own file (`<name>.log`); when the world closes every log is scanned for the secrets
and for tracebacks, and each process must stop cleanly on Ctrl-C. `world.bot` is the first gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from db.engine import create_engine
from tests.discord_emulator import DiscordEmulator
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.faults.bot_process import BotProcess
from tests.faults.world import (
    FAST_FAKE,
    GUILDS,
    MANAGE_MESSAGES,
    USERS_PER_GUILD,
    FaultWorld,
    Place,
    bot_environment,
)


@dataclass
class SplitWorld(FaultWorld):
    processes: dict[str, BotProcess] = field(default_factory=dict)

    def assert_no_secrets_in_logs(self) -> None:
        for process in self.processes.values():
            text = process.log_text()
            leaked = [name for name, value in self.secrets.items() if value in text]
            assert not leaked, f"{leaked} appear in {process.log_path}"
            assert "Traceback" not in text, f"an unhandled exception in {process.log_path}"


@contextlib.asynccontextmanager
async def running_split_world(
    database_url: str,
    tmp_path: Path,
    *,
    gateways: list[list[int]],
    shard_count: int,
    workers: int,
    fake_config: FakeConfig | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[SplitWorld]:
    """`gateways`: each gateway process's SHARD_IDS (of `shard_count`); `workers` worker processes."""
    output_dir = tmp_path / "comfy-output"
    output_dir.mkdir(exist_ok=True)
    async with DiscordEmulator() as emu:
        emu.gateway.max_concurrency = shard_count  # no 5 s wait between a process's shards
        fake = FakeComfyUI(fake_config or FakeConfig(**vars(FAST_FAKE)), output_dir=output_dir)
        await fake.start()
        engine = create_engine(database_url)
        try:
            places = []
            for g in range(GUILDS):
                guild = emu.add_guild_on_shard(g % shard_count, shard_count, name=f"Guild {g}")
                places.append(
                    Place(
                        guild=guild,
                        channel=emu.add_channel(guild, "gallery"),
                        users=[emu.add_member(guild, name=f"user{g}-{u}") for u in range(USERS_PER_GUILD)],
                        mod=emu.add_member(guild, name=f"mod{g}", permissions=MANAGE_MESSAGES),
                    )
                )
            data_dir = tmp_path / "data"
            common = bot_environment(emu, fake, database_url, data_dir)
            common.update({"DEV_GUILD_ID": str(places[0].guild.id), "SHARD_COUNT": str(shard_count)})
            common.update(env or {})
            processes: dict[str, BotProcess] = {}
            for index, shard_ids in enumerate(gateways):
                settings = {
                    **common,
                    "WORKER_ID": f"gateway-{index}",
                    "SHARD_IDS": ",".join(map(str, shard_ids)),
                }
                processes[f"gateway-{index}"] = BotProcess(
                    settings, tmp_path, command="gateway", name=f"gateway-{index}"
                )
            for index in range(workers):
                settings = {**common, "WORKER_ID": f"worker-{index}"}
                processes[f"worker-{index}"] = BotProcess(
                    settings, tmp_path, command="worker", name=f"worker-{index}"
                )
            world = SplitWorld(
                emu=emu,
                fake=fake,
                bot=processes["gateway-0"],
                engine=engine,
                places=places,
                data_dir=data_dir,
                processes=processes,
            )
            try:
                # The first gateway syncs the commands (DEV_GUILD_ID) before the others start.
                await processes["gateway-0"].start()
                await asyncio.gather(*(p.start() for name, p in processes.items() if name != "gateway-0"))
                yield world
            finally:
                exits = {name: await p.stop() for name, p in processes.items() if p.starts}
            world.assert_no_secrets_in_logs()
            unclean = {name: code for name, code in exits.items() if code not in (0, 130, -9)}
            assert not unclean, f"Ctrl-C did not end these cleanly: {unclean}"
        finally:
            await engine.dispose()
            await fake.stop()
