"""Replay the 20-concurrent-prompts trace: numbering, heap order, delete, front and status counts.

A long job holds the worker before the 20 are posted, so all of them are still pending while the test
deletes, interrupts and pushes to the front. The recording's timing accident (where, among the posts, the
worker took its first prompt) is then out of play: the order and the status counts follow from ComfyUI's
rules, which the recording obeys too.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp
import pytest

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_trace, load_workflow, quiet_long_job
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract

RECORDED = load_trace("queue_interrupt_race")["queue"]


def _job(color: int) -> dict[str, Any]:
    workflow = load_workflow("queue_blur_saveimage")
    workflow["1"]["inputs"]["color"] = color
    return workflow


def _run_order(running: float, front: float, pending: list[float]) -> list[float]:
    """execution.py's PromptQueue is a heap on `number` and main.py's one worker takes an item at a time:
    the prompt running when a front prompt is queued ends first, then the front one, then the rest by number.
    """
    return [running, front, *sorted(pending)]


def _drain_statuses(peak: int) -> list[int]:
    """queue_remaining broadcast from the peak on: two deletes, a front post, then for each prompt a
    `task_done` (one fewer) followed, unless it was the last, by the worker's next `get` (the same count).

    PromptQueue's put, get, task_done and delete_queue_item each call server.queue_updated while holding
    the queue's mutex, so the broadcasts leave in the order of the changes, each with the count after it.
    """
    tail = [peak - 1, peak - 2, peak - 1]
    for remaining in range(peak - 2, 0, -1):
        tail += [remaining, remaining]
    return [*tail, 0]


def test_the_recording_obeys_the_queue_rules() -> None:
    submitted = {s["prompt_id"]: s["number"] for s in RECORDED["submissions_in_completion_order_of_POST"]}
    numbers = sorted(submitted.values())
    deleted = {submitted[p] for p in RECORDED["deleted_prompt_ids"]}
    running = RECORDED["queue_snapshot_right_after_20_posts"]["queue_running_item0"][0]
    pending = [n for n in numbers if n not in deleted and n != running]
    front = RECORDED["front_true_response"]["number"]
    assert RECORDED["execution_start_order_numbers"] == _run_order(running, front, pending)

    statuses = RECORDED["status_queue_remaining_sequence_main_ws"][1:]  # after the on-connect one
    peak = len(numbers)
    head, tail = statuses[: -len(_drain_statuses(peak))], statuses[-len(_drain_statuses(peak)) :]
    assert tail == _drain_statuses(peak)
    # While posting: 1..20, with one repeat wherever the worker happened to take its first prompt.
    assert len(head) == peak + 1
    assert sorted(set(head)) == list(range(1, peak + 1))


async def test_concurrent_prompts_replay_matches_the_recording(
    comfy_target: Target, http: aiohttp.ClientSession, ended_at_teardown: list[str]
) -> None:
    url = comfy_target.url
    client_id = f"qmain-{uuid.uuid4().hex[:6]}"
    main = await Recorder.connect(http, url, client_id)
    observer = await Recorder.connect(http, url, f"obs-{uuid.uuid4().hex[:6]}")
    if comfy_target.fake is not None:
        comfy_target.fake.config.node_time_s = 0.05  # the quiet job's chain then takes 20 s
    blocker = await post_prompt(http, url, quiet_long_job(), client_id)
    ended_at_teardown.append(blocker["prompt_id"])
    await main.wait_for(lambda f: f.type == "execution_start")  # sent once the worker took it off the queue
    base_color = uuid.uuid4().int % 100000
    answers = await asyncio.gather(
        *(post_prompt(http, url, _job(base_color + i), client_id) for i in range(20))
    )
    # server.py post_prompt takes `number` from its counter before its first await: one each, in turn.
    numbers = sorted(a["number"] for a in answers)
    assert numbers == list(range(blocker["number"] + 1, blocker["number"] + 21))

    queue = await get_json(http, url + "/queue")
    snapshot = RECORDED["queue_snapshot_right_after_20_posts"]
    assert [item[1] for item in queue["queue_running"]] == [blocker["prompt_id"]]
    assert sorted(item[0] for item in queue["queue_pending"]) == numbers
    recorded_size = snapshot["queue_running_len"] + snapshot["queue_pending_len"]
    assert recorded_size == len(numbers)  # the recording too had all 20 in the queue at this point
    items = queue["queue_running"] + queue["queue_pending"]
    assert {len(item) for item in items} == {len(snapshot["queue_running_item0"])}
    # GET /prompt counts running and pending alike (PromptQueue.get_tasks_remaining).
    assert RECORDED["GET_prompt_right_after"]["exec_info"]["queue_remaining"] == recorded_size
    assert await get_json(http, url + "/prompt") == {"exec_info": {"queue_remaining": len(items)}}

    by_number = {a["number"]: a["prompt_id"] for a in answers}
    deleted = [by_number[numbers[-1]], by_number[numbers[-2]]]
    async with http.post(url + "/queue", json={"delete": deleted}) as response:
        assert response.status == RECORDED["POST_queue_delete_status"]
    async with http.post(url + "/interrupt", json={"prompt_id": by_number[numbers[5]]}) as response:
        assert response.status == RECORDED["interrupt_targeting_pending_prompt_status"]
    front = await post_prompt(http, url, _job(base_color + 99), client_id, front=True)
    assert front["number"] == -(numbers[-1] + 1)
    async with http.post(url + "/interrupt", json={"prompt_id": blocker["prompt_id"]}) as response:
        assert response.status == 200
    if comfy_target.fake is not None:
        comfy_target.fake.config.node_time_s = 0
    await main.wait_done(by_number[numbers[-3]])
    await observer.wait_for(lambda f: f.type == "status" and observer.statuses()[-1:] == [0], start=1)

    # Interrupted, so it was still running when everything above was queued.
    assert main.texts(blocker["prompt_id"])[-2]["type"] == "execution_interrupted"
    starts = [m["data"]["prompt_id"] for m in main.texts() if m["type"] == "execution_start"]
    number_of = {**{v: k for k, v in by_number.items()}, front["prompt_id"]: front["number"]}
    number_of[blocker["prompt_id"]] = blocker["number"]
    expected = _run_order(blocker["number"], front["number"], numbers[:-2])
    assert [number_of[p] for p in starts] == expected
    assert len(expected) == len(RECORDED["execution_start_order_numbers"]) + 1  # and the long job
    assert [m for m in main.texts() if m["data"].get("prompt_id") in deleted] == []
    assert main.texts(by_number[numbers[5]])[-2]["type"] == "execution_success"
    for prompt_id in deleted:
        assert await get_json(http, f"{url}/history/{prompt_id}") == {}

    # After the on-connect one: the long job queued (1) and taken (1), the 20 posts, then the drain.
    peak = len(numbers) + 1
    assert main.statuses()[1:] == [1, 1, *range(2, peak + 1), *_drain_statuses(peak)]
    assert {f.type for f in observer.frames} == set(RECORDED["observer_ws_message_types"])

    last_three = await get_json(http, url + "/history", max_items=3)
    assert [entry["prompt"][0] for entry in last_three.values()] == numbers[-5:-2]
    assert len(await get_json(http, url + "/history", max_items=2, offset=0)) == 2
