"""Replay the 20-concurrent-prompts trace: numbering, heap order, delete, front and status counts."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp
import pytest

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_trace, load_workflow
from tests.contract.conftest import Target
from tests.contract.test_trace_replay import _reset_cache_workflow, run_to_completion

pytestmark = pytest.mark.contract


def _job(color: int) -> dict[str, Any]:
    workflow = load_workflow("queue_blur_saveimage")
    workflow["1"]["inputs"]["color"] = color
    return workflow


def _statuses(recorder: Recorder) -> list[int]:
    return [
        m["data"]["status"]["exec_info"]["queue_remaining"] for m in recorder.texts() if m["type"] == "status"
    ]


async def test_concurrent_prompts_replay_matches_the_recording(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = load_trace("queue_interrupt_race")["queue"]
    url = comfy_target.url
    if comfy_target.fake is not None:
        comfy_target.fake.config.node_time_s = 0.1  # keeps the first job running while we queue the rest
    await run_to_completion(http, url, _reset_cache_workflow())
    client_id = f"qmain-{uuid.uuid4().hex[:6]}"
    main = await Recorder.connect(http, url, client_id)
    observer = await Recorder.connect(http, url, f"obs-{uuid.uuid4().hex[:6]}")
    base_color = uuid.uuid4().int % 100000
    answers = await asyncio.gather(
        *(post_prompt(http, url, _job(base_color + i), client_id) for i in range(20))
    )
    numbers = sorted(a["number"] for a in answers)
    assert numbers == list(range(numbers[0], numbers[0] + 20))

    queue = await get_json(http, url + "/queue")
    snapshot = recorded["queue_snapshot_right_after_20_posts"]
    assert (len(queue["queue_running"]), len(queue["queue_pending"])) == (
        snapshot["queue_running_len"], snapshot["queue_pending_len"],
    )  # fmt: skip
    assert len(queue["queue_running"][0]) == len(snapshot["queue_running_item0"])
    assert await get_json(http, url + "/prompt") == recorded["GET_prompt_right_after"]

    by_number = {a["number"]: a["prompt_id"] for a in answers}
    deleted = [by_number[numbers[-1]], by_number[numbers[-2]]]
    async with http.post(url + "/queue", json={"delete": deleted}) as response:
        assert response.status == recorded["POST_queue_delete_status"]
    async with http.post(url + "/interrupt", json={"prompt_id": by_number[numbers[5]]}) as response:
        assert response.status == recorded["interrupt_targeting_pending_prompt_status"]
    front = await post_prompt(http, url, _job(base_color + 99), client_id, front=True)
    assert front["number"] == -(numbers[-1] + 1)
    if comfy_target.fake is not None:
        comfy_target.fake.config.node_time_s = 0
    await main.wait_done(by_number[numbers[-3]], timeout=120)
    await observer.wait_for(lambda f: f.type == "status" and _statuses(observer)[-1:] == [0], start=1)

    starts = [m["data"]["prompt_id"] for m in main.texts() if m["type"] == "execution_start"]
    number_of = {**{v: k for k, v in by_number.items()}, front["prompt_id"]: front["number"]}
    recorded_order = recorded["execution_start_order_numbers"]
    expected = [numbers[0], front["number"], *numbers[1:-2]]
    assert [number_of[p] for p in starts] == expected
    assert len(expected) == len(recorded_order)
    assert [m for m in main.texts() if m["data"].get("prompt_id") in deleted] == []
    assert main.texts(by_number[numbers[5]])[-2]["type"] == "execution_success"
    for prompt_id in deleted:
        assert await get_json(http, f"{url}/history/{prompt_id}") == {}

    statuses = _statuses(main)[1:]  # after the on-connect one
    recorded_statuses = recorded["status_queue_remaining_sequence_main_ws"][1:]
    tail = recorded_statuses[recorded_statuses.index(20) + 1 :]  # deletes, front, then a pair per job
    head = statuses[: -len(tail)]
    assert statuses[-len(tail) :] == tail
    # Enqueue phase: 1..20 with one repeat where the worker took the first job (its position is timing).
    assert len(head) == 21
    assert sorted(set(head)) == list(range(1, 21))
    assert {f.type for f in observer.frames} == set(recorded["observer_ws_message_types"])

    last_three = await get_json(http, url + "/history", max_items=3)
    assert [entry["prompt"][0] for entry in last_three.values()] == numbers[-5:-2]
    assert len(await get_json(http, url + "/history", max_items=2, offset=0)) == 2
