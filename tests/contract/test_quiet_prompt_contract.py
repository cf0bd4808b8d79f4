"""What comfy.quiet relies on, against ComfyUI itself: a prompt posted under a client id no socket has sends
no frame of its own to anyone, the queue's shrink is still broadcast to every socket, and by then its
history holds its outputs and its start and end on the server's clock.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from comfy import events, protocol
from comfy.client import ComfyClient
from tests.contract._traces import fresh_sd15_graph
from tests.contract.conftest import RANDOM_SD15, Target

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0
STEPS = 3


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"quiet-{uuid.uuid4().hex[:8]}") as started:
        assert await started.wait_connected(10)
        yield started


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_a_quiet_prompt_sends_no_frame_and_ends_from_history_with_its_files_and_run_time(
    client: ComfyClient, comfy_target: Target
) -> None:
    if comfy_target.fake is not None:
        comfy_target.fake.config.step_time_s = 0.02
    frames: list[protocol.ServerMessage] = []
    on_text = client._ws._on_text

    def recorded(message: protocol.ServerMessage) -> None:
        frames.append(message)
        on_text(message)

    client._ws._on_text = recorded
    prompt_id = f"quiet-{uuid.uuid4().hex}"
    started = time.monotonic()

    run = await client.submit(fresh_sd15_graph(STEPS), prompt_id, quiet=True)
    async with asyncio.timeout(JOB_TIMEOUT_S):
        got = [event async for event in run]
    took_s = time.monotonic() - started

    assert [type(event) for event in got] == [events.Completed]
    completed = got[0]
    assert isinstance(completed, events.Completed)
    assert completed.files
    assert completed.run_s is not None
    assert 0 < completed.run_s <= took_s + 0.01  # timestamps in whole milliseconds
    assert all(message.prompt_id != prompt_id for message in frames)
    remaining = [protocol.queue_remaining(m) for m in frames if m.type == "status"]
    assert any(after < before for before, after in itertools.pairwise(remaining)), remaining
    newest = await client.http.recent_history(1)
    assert list(newest) == [prompt_id]
