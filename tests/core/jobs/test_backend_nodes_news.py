"""A backend read again that offers other nodes or models is news for the other processes (a gateway, which
checks health over HTTP now and then, would not notice a short restart); news heard from another process
is acted on here without being told again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from comfy.client import ComfyClient
from comfy.pool import ComfyPool
from core.jobs.backend_watch import BackendWatcher
from core.jobs.capabilities import Capabilities
from tests.core.jobs.test_scheduler import World
from tests.core.kinds.workflows import load_catalogue
from tests.fakes.comfyui.config import CHECKPOINTS_KEY
from tests.fakes.comfyui.server import FakeComfyUI

CHECKPOINT = ("CheckpointLoaderSimple", "ckpt_name")


class Farm:
    def __init__(self, fake: FakeComfyUI, client: ComfyClient, capabilities: Capabilities) -> None:
        self.fake = fake
        self.client = client
        self.capabilities = capabilities
        self.told: list[list[str]] = []
        capabilities.on_nodes_changed = self.told.append

    def offered(self) -> frozenset[str]:
        return self.capabilities.choices(self.client.name, *CHECKPOINT)

    def add_checkpoint(self, name: str) -> None:
        models = self.fake.config.models
        models[CHECKPOINTS_KEY] = [*models[CHECKPOINTS_KEY], name]


@pytest.fixture
async def farm(fake_comfy: FakeComfyUI) -> AsyncIterator[Farm]:
    async with aiohttp.ClientSession() as http:
        client = ComfyClient(http, fake_comfy.url, "news-test", name="backend-a")
        pool = ComfyPool([client])
        pool.mark(client.name, True, "ok")  # as a started pool finds it: only healthy backends are read
        capabilities = Capabilities(pool, await load_catalogue())
        await capabilities.refresh()
        yield Farm(fake_comfy, client, capabilities)


async def test_a_backend_read_again_with_a_new_model_is_told_to_the_others(farm: Farm) -> None:
    farm.add_checkpoint("fresh.safetensors")
    await farm.client.object_info(refresh=True)  # as the pool does when the backend's socket reconnects
    await farm.capabilities.refresh()
    assert "fresh.safetensors" in farm.offered()
    assert farm.told == [["backend-a"]]


async def test_nothing_is_told_when_nothing_was_read_again_or_the_backend_says_the_same(farm: Farm) -> None:
    await farm.capabilities.refresh()  # the client's copy, not read again (the periodic turn)
    await farm.client.object_info(refresh=True)  # read again, the same answer
    await farm.capabilities.refresh()
    assert farm.told == []


async def test_news_heard_from_another_process_reads_the_backend_again_without_telling_it_again(
    farm: Farm,
) -> None:
    woken: list[bool] = []
    watcher = BackendWatcher(
        pool=ComfyPool([farm.client]),
        capabilities=farm.capabilities,
        scheduler=World().scheduler(),
        wake=lambda: woken.append(True),
    )
    farm.add_checkpoint("fresh.safetensors")
    await watcher.read_nodes_again(["someone-else's-backend"])
    assert "fresh.safetensors" not in farm.offered(), "only the backends named are read again"

    await watcher.read_nodes_again(["backend-a"])
    assert "fresh.safetensors" in farm.offered()
    assert farm.told == []
    assert woken, "jobs parked for want of that model look again"


async def test_news_of_a_backend_that_does_not_answer_keeps_what_was_known(
    farm: Farm, caplog: pytest.LogCaptureFixture
) -> None:
    watcher = BackendWatcher(
        pool=ComfyPool([farm.client]),
        capabilities=farm.capabilities,
        scheduler=World().scheduler(),
        wake=lambda: None,
    )
    caplog.set_level(logging.INFO, logger="core.jobs.backend_watch")
    before = farm.offered()
    await farm.fake.stop()
    await watcher.read_nodes_again(None)
    assert farm.offered() == before
    assert "nodes of backend-a not read again" in caplog.text


async def test_news_of_one_restart_from_several_workers_reads_the_backend_once(farm: Farm) -> None:
    reads = 0
    real_read = farm.client.http.object_info

    async def counted() -> Any:
        nonlocal reads
        reads += 1
        return await real_read()

    farm.client.http.object_info = counted  # type: ignore[method-assign]
    watcher = BackendWatcher(
        pool=ComfyPool([farm.client]),
        capabilities=farm.capabilities,
        scheduler=World().scheduler(),
        wake=lambda: None,
    )
    farm.add_checkpoint("fresh.safetensors")
    await asyncio.gather(*(watcher.read_nodes_again(["backend-a"]) for _worker in range(3)))
    assert reads == 1
    assert "fresh.safetensors" in farm.offered()
