"""Replay the targeted-interrupt trace: the running prompt ends interrupted, the next one succeeds."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import aiohttp
import pytest

from tests.contract._normalise import history_shape, live_shape, recorded_shape
from tests.contract._recorder import Recorder, is_idle_status, post_prompt
from tests.contract._traces import load_trace
from tests.contract.conftest import Target
from tests.contract.test_trace_replay import _reset_cache_workflow, run_to_completion

pytestmark = pytest.mark.contract


def _shapes(shapes: list[Any]) -> tuple[list[Any], list[Any]]:
    """(the stream without status and with progress runs collapsed, the queue_remaining values).

    Statuses come from the HTTP side and race the worker's messages, so their values are compared as a
    sequence of their own; the number of progress ticks before the interrupt lands is timing.
    """
    stream: list[Any] = []
    statuses: list[Any] = []
    for shape in shapes:
        if shape[0] == "status":
            statuses.append(shape)
        elif shape[0] == "progress":
            collapsed = ("progress+", shape[1], shape[3], shape[4])
            if not stream or stream[-1] != collapsed:
                stream.append(collapsed)
        elif shape[0] not in ("progress_state", "BINARY"):
            stream.append(shape)
    return stream, statuses


async def test_targeted_interrupt_replay_matches_the_recording(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    trace = load_trace("interrupt_targeted_running")
    (recorded_history,) = trace["history_a"].values()
    long_job = recorded_history["prompt"][2]
    next_job = copy.deepcopy(long_job)
    next_job["1"]["inputs"].update(width=64, height=64, batch_size=2)
    if comfy_target.fake is not None:
        comfy_target.fake.config.node_time_s = 0.01  # so the interrupt lands inside the websocket save
    await run_to_completion(http, comfy_target.url, _reset_cache_workflow())

    client_id = f"main-{uuid.uuid4().hex[:8]}"
    main = await Recorder.connect(http, comfy_target.url, client_id)
    observer = await Recorder.connect(http, comfy_target.url, f"obs-{uuid.uuid4().hex[:8]}")
    first = await post_prompt(http, comfy_target.url, long_job, client_id)
    await main.wait_for(lambda f: f.type == "execution_start")
    second = await post_prompt(http, comfy_target.url, next_job, client_id)
    await main.wait_for(lambda f: f.type == "progress")
    async with http.post(comfy_target.url + "/interrupt", json={"prompt_id": first["prompt_id"]}) as response:
        assert response.status == 200
    await main.wait_done(second["prompt_id"])
    await observer.wait_for(is_idle_status, start=1)

    recorded = trace["ws_events_no_progress_state"]
    want = _shapes([recorded_shape(e) for e in recorded if e["ws"] == "main"])
    got = _shapes([live_shape(f) for f in main.frames])
    assert got == want
    want_observer = _shapes([recorded_shape(e) for e in recorded if e["ws"] == "observer"])
    assert _shapes([live_shape(f) for f in observer.frames]) == want_observer

    async with http.get(f"{comfy_target.url}/history/{first['prompt_id']}") as response:
        history = (await response.json())[first["prompt_id"]]
    assert history_shape(history) == history_shape(recorded_history)
