"""Which Discord client each role builds, and the IDENTIFY pacing of a process holding several shards."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from bot.cli.runtime_config import runtime_config
from bot.client import ComfyBot
from bot.roles import IdentifyPacing, ShardedComfyBot, build_bot
from bot.settings import Role, Settings
from tests.bot.idle_core import idle_core

ROLES: tuple[Role, ...] = ("all", "gateway", "worker")


async def test_shards_in_different_buckets_identify_at_once_and_a_bucket_waits_its_window() -> None:
    pacing = IdentifyPacing(max_concurrency=2, window_s=0.3)
    began = time.monotonic()
    await pacing.wait_turn(0)
    await pacing.wait_turn(1)  # bucket 1 % 2: its own, no wait
    assert time.monotonic() - began < 0.3
    await pacing.wait_turn(2)  # bucket 0 again: after shard 0's window
    assert time.monotonic() - began >= 0.3


async def test_each_role_builds_its_client(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    sharded = Settings(_env_file=None, shard_ids="0-1", shard_count=4)  # type: ignore[call-arg]
    plain = Settings(_env_file=None)  # type: ignore[call-arg]
    async with idle_core(database_url, ["http://127.0.0.1:9"], tmp_path) as runtime:
        gateway = build_bot(sharded, runtime, "gateway")
        assert isinstance(gateway, ShardedComfyBot)
        assert (gateway.shard_ids, gateway.shard_count, gateway.role) == ([0, 1], 4, "gateway")
        unsharded_gateway = build_bot(plain, runtime, "gateway")
        assert isinstance(unsharded_gateway, ShardedComfyBot)
        assert unsharded_gateway.shard_count is None, "Discord's recommended count (GET /gateway/bot)"
        worker = build_bot(sharded, runtime, "worker")
        assert type(worker) is ComfyBot
        assert worker.role == "worker"
        assert type(build_bot(plain, runtime, "all")) is ComfyBot
        assert isinstance(build_bot(sharded, runtime, "all"), ShardedComfyBot), "one process, several shards"


async def test_a_gateway_and_a_worker_on_one_host_get_different_worker_ids(tmp_path: Path) -> None:
    """Each ignores the messages it sent itself: with one name, a worker would not hear a gateway's jobs."""
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    names = {
        role: (await runtime_config(settings, role)).queue.worker_id for role in ("all", "gateway", "worker")
    }
    host = socket.gethostname()
    assert names == {"all": host, "gateway": f"{host}-gateway", "worker": f"{host}-worker"}
    given = Settings(_env_file=None, data_dir=tmp_path, worker_id="w7")  # type: ignore[call-arg]
    assert (await runtime_config(given, "worker")).queue.worker_id == "w7"
