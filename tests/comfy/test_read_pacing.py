"""Reads held mid-sampler (comfy.read_pacing): never across a sampler's end, released on demand."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from comfy import events
from comfy.read_pacing import ReadPacer, transport_of
from tests.comfy.conftest import FAST, ClientFactory, collect, graph


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.reading = True
        self.closing = False

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_reading(self) -> bool:
        return self.reading

    def is_closing(self) -> bool:
        return self.closing


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def step(value: float, total: float = 8, node: str = "3", prompt_id: str = "p") -> dict[str, Any]:
    return {"value": value, "max": total, "node": node, "prompt_id": prompt_id}


def pacer(pause_s: float = 0.05) -> tuple[ReadPacer, Transport, Clock]:
    clock = Clock()
    transport = Transport()
    paced = ReadPacer(pause_s, clock=clock)
    paced.attach(transport)
    return paced, transport, clock


async def test_the_first_step_gives_the_pace_and_the_next_is_held() -> None:
    paced, transport, clock = pacer()

    paced.after_progress(step(1))
    assert transport.reading
    assert paced.pauses == 0
    clock.now += 0.02
    paced.after_progress(step(3))

    assert not transport.reading
    # 8 steps of 10 ms, step 3 read: the hold ends a step before the last one is due (4 steps from now).
    assert paced.pauses == 1
    assert abs(paced.last_hold_s - 0.04) < 1e-9
    paced.release()
    assert transport.reading


async def test_a_hold_is_no_longer_than_the_pause_and_ends_by_itself() -> None:
    paced, transport, clock = pacer(pause_s=0.02)
    paced.after_progress(step(1, total=100))
    clock.now += 0.01
    paced.after_progress(step(2, total=100))

    assert not transport.reading
    assert paced.last_hold_s == 0.02
    for _ in range(200):  # the loop's timer resumes reading; no fixed sleep to tune
        if transport.reading:
            break
        await asyncio.sleep(0.01)
    assert transport.reading


async def test_nothing_is_held_near_or_after_a_samplers_last_step() -> None:
    paced, transport, clock = pacer()
    paced.after_progress(step(1))
    clock.now += 0.06
    paced.after_progress(step(7))  # one step to go: a hold would cover the end
    clock.now += 0.01
    paced.after_progress(step(8))

    assert transport.reading
    assert paced.pauses == 0


async def test_a_new_sampler_or_prompt_starts_its_pace_afresh() -> None:
    paced, transport, clock = pacer()
    paced.after_progress(step(1))
    clock.now += 0.01
    paced.after_progress(step(1, node="9"))  # a second sampler: its first step
    clock.now += 0.01
    paced.after_progress(step(1, prompt_id="q"))  # the next prompt's
    assert transport.reading
    assert paced.pauses == 0


async def test_unplaceable_steps_and_a_closing_socket_are_never_held() -> None:
    paced, transport, clock = pacer()
    paced.after_progress(step(1))
    clock.now += 0.01
    paced.after_progress({"value": "2", "max": 8, "node": "3", "prompt_id": "p"})
    transport.closing = True
    paced.after_progress(step(2))
    assert transport.reading
    assert paced.pauses == 0


async def test_off_by_default_and_after_the_connection_goes() -> None:
    off, transport, clock = pacer(pause_s=0.0)
    for value in (1, 2, 3):
        off.after_progress(step(value))
        clock.now += 0.01
    assert transport.reading
    assert off.pauses == 0

    paced, transport, clock = pacer()
    for value in (1, 2):
        paced.after_progress(step(value))
        clock.now += 0.01
    assert not transport.reading
    paced.attach(None)  # the socket closed: its close handshake is read, nothing more is held
    assert transport.reading
    paced.after_progress(step(3))
    assert paced.pauses == 1


def test_no_transport_where_aiohttp_hides_it() -> None:
    assert transport_of(object()) is None


async def test_a_paced_job_against_the_fake_server_ends_with_every_step_seen(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    fake_comfy.config.step_time_s = 0.01
    workflow = graph("canonical_txt2img_sd15_api")
    sampler = next(node for node in workflow.values() if node["class_type"] == "KSampler")
    sampler["inputs"]["steps"] = 12
    client = await make_client(fake_comfy.url, reconnect=replace(FAST.reconnect, read_pause_s=0.05))

    got = await collect(await client.submit(workflow, "paced-1"))

    assert isinstance(got[-1], events.Completed)
    steps = [e for e in got if isinstance(e, events.Progress)]
    assert steps[-1].value == steps[-1].max == 12  # the last step reached the consumer
    assert client._ws._pacer.pauses >= 1  # the socket really was held mid-sampler
