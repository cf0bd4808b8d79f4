"""Contract tests run against the fake by default, or a real ComfyUI when COMFYUI_CONTRACT_URL is set."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.contract._recorder import Frame, Recorder
from tests.fakes.comfyui import FakeComfyUI, FakeConfig

REAL_URL_ENV = "COMFYUI_CONTRACT_URL"
REAL_SERVER_TEST_TIMEOUT_S = 900
CHECKPOINT_NODE = "CheckpointLoaderSimple"
RANDOM_SD15 = "random_sd15.safetensors"  # random weights: real sampling, noise for pictures


@dataclass
class Target:
    url: str
    fake: FakeComfyUI | None  # None when talking to a real server: fake-only knobs are then left alone


def real_url() -> str | None:
    url = os.environ.get(REAL_URL_ENV)
    return url.rstrip("/") if url else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Against a real CPU-only server one test may load a checkpoint twice: the 120 s default is too short."""
    if real_url() is None:
        return
    for item in items:
        if item.get_closest_marker("contract") is not None:
            item.add_marker(pytest.mark.timeout(REAL_SERVER_TEST_TIMEOUT_S))


@pytest.fixture(autouse=True)
async def _needed_checkpoint(request: pytest.FixtureRequest) -> None:
    """A test marked `checkpoint(name)` runs against a real server only if that server lists the file.

    The fake always lists it (see comfy_target); a real server lists what its models/checkpoints holds.
    """
    marker = request.node.get_closest_marker("checkpoint")
    url = real_url()
    if marker is None or url is None:
        return
    name = marker.args[0]
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{url}/object_info/{CHECKPOINT_NODE}") as answer,
    ):
        info = await answer.json()
    choices = info[CHECKPOINT_NODE]["input"]["required"]["ckpt_name"][0]
    if name not in choices:
        pytest.skip(f"the ComfyUI at {url} has no checkpoint named {name} in models/checkpoints")


async def _until_queue_empty(url: str, within_s: float = 600.0) -> None:
    """A real server is shared by the whole run: a test that leaves prompts behind (one that checks only an
    answer, not the run) must not make the next test see a queue it did not make. ComfyUI sends no event
    to a client that did not post those prompts, so its /queue is asked until it is empty."""
    async with aiohttp.ClientSession() as session, asyncio.timeout(within_s):
        while True:
            async with session.get(url + "/queue") as answer:
                queue = await answer.json()
            if not queue["queue_running"] and not queue["queue_pending"]:
                return
            await asyncio.sleep(0.2)


@pytest.fixture
async def comfy_target(tmp_path: Path) -> AsyncIterator[Target]:
    url = real_url()
    if url is not None:
        await _until_queue_empty(url)
        yield Target(url, None)
        return
    # The traces were recorded with an empty checkpoint folder, except for the random SD1.5 one.
    config = FakeConfig(models={f"{CHECKPOINT_NODE}.ckpt_name": [RANDOM_SD15]})
    server = FakeComfyUI(config, output_dir=tmp_path / "output")
    await server.start()
    yield Target(server.url, server)
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def ended_at_teardown(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[list[str]]:
    """Prompt ids of long jobs: a test that fails before ending them must not leave the server busy for
    the tests after it (a targeted interrupt ends a running one, a delete a pending one; both no-ops after).
    """
    prompt_ids: list[str] = []
    yield prompt_ids
    async with http.post(comfy_target.url + "/queue", json={"delete": prompt_ids}):
        pass
    for prompt_id in prompt_ids:
        async with http.post(comfy_target.url + "/interrupt", json={"prompt_id": prompt_id}):
            pass
    if prompt_ids:
        await _until_idle(http, comfy_target.url)


async def _until_idle(http: aiohttp.ClientSession, url: str) -> None:
    """An interrupt is honoured at the sampler's next step, which a CPU server takes a while to reach: the
    next test starts on an idle server (its status broadcasts and queue counts are part of what it reads).
    The socket's first `status` tells the queue as it is; the server broadcasts another when a prompt ends."""
    watcher = await Recorder.connect(http, url, None)
    try:
        await watcher.wait_for(lambda f: f.type == "status" and _queue_remaining(f) == 0, timeout=60)
    finally:
        await watcher.close()


def _queue_remaining(frame: Frame) -> int:
    assert frame.msg is not None
    return int(frame.msg["data"]["status"]["exec_info"]["queue_remaining"])
