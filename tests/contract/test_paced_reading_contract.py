"""The worker's paced reading (comfy.read_pacing) against ComfyUI's own frames: a sampler's steps held
mid-way still reach the consumer up to the last one, and the prompt ends with its files named.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set (there each
CPU step takes longer than the hold, so reads are held between steps).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from comfy import events
from comfy.client import ClientSettings, ComfyClient
from comfy.connection import ReconnectPolicy
from tests.contract._traces import fresh_sd15_graph
from tests.contract.conftest import RANDOM_SD15, Target

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0
STEPS = 6


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    settings = ClientSettings(reconnect=ReconnectPolicy(read_pause_s=0.05))
    async with ComfyClient(
        http, comfy_target.url, f"paced-{uuid.uuid4().hex[:8]}", settings=settings
    ) as started:
        yield started


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_a_paced_sampler_reports_every_step_to_its_end_and_names_its_files(
    client: ComfyClient, comfy_target: Target
) -> None:
    if comfy_target.fake is not None:
        comfy_target.fake.config.step_time_s = 0.02
    graph = fresh_sd15_graph(STEPS)

    run = await client.submit(graph, f"paced-{uuid.uuid4().hex}")
    seen: list[events.PromptEvent] = []
    async with asyncio.timeout(JOB_TIMEOUT_S):
        async for event in run:
            seen.append(event)

    assert isinstance(seen[-1], events.Completed)
    assert seen[-1].files
    steps = [event for event in seen if isinstance(event, events.Progress)]
    assert (steps[-1].value, steps[-1].max) == (STEPS, STEPS)
    assert client._ws._pacer.pauses >= 1
