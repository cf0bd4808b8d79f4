"""A started bot process leaves its boot objects out of the collector's full passes; a test does not."""

from __future__ import annotations

import gc
from pathlib import Path

import aiohttp
import pytest

import bot.runtime
from background.heap import keep_boot_objects_out_of_full_collections
from bot.cli.runtime_config import runtime_config
from bot.runtime import CoreRuntime, RuntimeConfig
from bot.settings import Settings
from core.jobs.queue_settings import QueueSettings
from tests.core.jobs.harness import FAST_CLIENT
from tests.fixtures.comfyui import FakeComfyFactory


def test_objects_alive_when_it_is_called_are_frozen_and_later_ones_are_not() -> None:
    before = [object()]  # a tracked container
    gc.unfreeze()
    try:
        keep_boot_objects_out_of_full_collections()
        frozen = gc.get_freeze_count()
        after = [object()]
        assert frozen > 0
        assert not any(o is before for o in gc.get_objects())  # in the permanent generation now
        assert any(o is after for o in gc.get_objects())
    finally:
        gc.unfreeze()


async def test_a_bot_process_freezes_its_boot_heap(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert (await runtime_config(settings, "worker")).freeze_boot_heap


@pytest.mark.parametrize("freeze", [True, False])
async def test_a_runtime_freezes_once_it_has_started_only_when_told_to(
    freeze: bool,
    database_url: str,
    fake_comfy_factory: FakeComfyFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = await fake_comfy_factory()
    calls: list[bool] = []

    def recorded() -> None:
        calls.append(runtime.dispatcher.capabilities.known)  # by then, what each backend runs is known

    monkeypatch.setattr(bot.runtime, "keep_boot_objects_out_of_full_collections", recorded)
    config = RuntimeConfig(
        database_url=database_url,
        comfyui_urls=[fake.url],
        data_dir=tmp_path,
        client_id="heap-test",
        queue=QueueSettings(worker_id="heap-worker"),
        client=FAST_CLIENT,
        freeze_boot_heap=freeze,
    )
    async with aiohttp.ClientSession() as http:
        runtime = await CoreRuntime.build(config, http=http)
        await runtime.start()
        await runtime.close()
    assert calls == ([True] if freeze else [])
