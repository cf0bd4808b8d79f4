"""Contract tests run against the fake by default, or a real ComfyUI when COMFYUI_CONTRACT_URL is set."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.comfyui import FakeComfyUI, FakeConfig

REAL_URL_ENV = "COMFYUI_CONTRACT_URL"


@dataclass
class Target:
    url: str
    fake: FakeComfyUI | None  # None when talking to a real server: fake-only knobs are then left alone


def real_url() -> str | None:
    url = os.environ.get(REAL_URL_ENV)
    return url.rstrip("/") if url else None


@pytest.fixture
async def comfy_target(tmp_path: Path) -> AsyncIterator[Target]:
    url = real_url()
    if url is not None:
        yield Target(url, None)
        return
    # The traces were recorded with an empty checkpoint folder, except for the random SD1.5 one.
    config = FakeConfig(models={"CheckpointLoaderSimple.ckpt_name": ["random_sd15.safetensors"]})
    server = FakeComfyUI(config, output_dir=tmp_path / "output")
    await server.start()
    yield Target(server.url, server)
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
