"""The event stream of one run: order kept, one terminal event, previews bounded for slow consumers."""

from __future__ import annotations

import time

import pytest

from comfy import errors, events
from comfy.run import PromptRun


def new_run() -> PromptRun:
    return PromptRun("p", {"3": {"class_type": "KSampler"}}, loop_time=time.monotonic, max_waiting_previews=4)


async def test_a_slow_consumer_gets_the_newest_previews_and_every_other_event() -> None:
    run = new_run()
    for node in range(1, 21):  # a node each, so nothing replaces anything: only the preview cap drops
        run.push(events.NodeExecuting("p", str(node), "SaveImage"))
        run.push(events.Progress("p", str(node), 1, 1))
        run.push(events.Preview("p", str(node), "image/jpeg", bytes([node])))
    run.finish(events.Completed("p", {}, ()))

    got = [event async for event in run]

    assert [e.node_id for e in got if isinstance(e, events.NodeExecuting)] == [str(n) for n in range(1, 21)]
    assert [e.node_id for e in got if isinstance(e, events.Progress)] == [str(n) for n in range(1, 21)]
    assert [e.image[0] for e in got if isinstance(e, events.Preview)] == [17, 18, 19, 20]
    assert run.dropped_previews == 16
    assert isinstance(got[-1], events.Completed)


async def test_progress_not_taken_yet_is_replaced_by_the_newest_of_its_kind_and_node() -> None:
    run = new_run()
    for step in range(1, 6):
        run.push(events.NodeStates("p", (events.NodeState("3", "running", step, 5),)))
        run.push(events.Preview("p", "3", "image/jpeg", bytes([step])))
        run.push(events.Progress("p", "3", step, 5))
    run.push(events.Progress("p", "8", 1, 2))
    run.push(events.NodeExecuting("p", "9", "SaveImage"))  # what came before it stays before it
    run.push(events.Progress("p", "9", 1, 1))
    run.finish(events.Completed("p", {}, ()))

    got = [event async for event in run]

    assert got == [
        events.NodeStates("p", (events.NodeState("3", "running", 5, 5),)),
        events.Preview("p", "3", "image/jpeg", bytes([5])),
        events.Progress("p", "3", 5, 5),
        events.Progress("p", "8", 1, 2),
        events.NodeExecuting("p", "9", "SaveImage"),
        events.Progress("p", "9", 1, 1),
        events.Completed("p", {}, ()),
    ]
    assert run.dropped_previews == 4


async def test_a_paced_run_wakes_its_consumer_once_a_pace_but_at_once_for_start_and_end() -> None:
    now = [0.0]
    run = PromptRun("p", {}, loop_time=lambda: now[0], pace_s=1.0)
    stream = aiter(run)

    run.push(events.Progress("p", "3", 1, 8))  # the first after a quiet spell: at once
    assert run.wakeups == 1
    assert await anext(stream) == events.Progress("p", "3", 1, 8)
    now[0] = 0.5
    run.push(events.Progress("p", "3", 2, 8))
    run.push(events.NodeExecuting("p", "8", "VAEDecode"))
    assert run.wakeups == 1  # within the pace: they wait, together
    run.push(events.BackendAway("p"))
    assert run.wakeups == 2
    assert [await anext(stream) for _ in range(3)] == [
        events.Progress("p", "3", 2, 8),
        events.NodeExecuting("p", "8", "VAEDecode"),
        events.BackendAway("p"),
    ]
    now[0] = 1.7  # a pace after the last wake: the next event goes at once again
    run.push(events.Progress("p", "8", 1, 2))
    assert run.wakeups == 3
    run.finish(events.Completed("p", {}, ()))
    assert run.wakeups == 4
    assert [event async for event in stream] == [
        events.Progress("p", "8", 1, 2),
        events.Completed("p", {}, ()),
    ]


async def test_only_the_first_outcome_counts_and_nothing_follows_it() -> None:
    run = new_run()
    assert run.finish(events.Interrupted("p"))
    assert not run.finish(events.Completed("p", {}, ()))
    run.push(events.Progress("p", "3", 1, 2))

    assert [event async for event in run] == [events.Interrupted("p")]


async def test_a_lost_backend_is_raised_from_the_stream_and_from_result() -> None:
    run = new_run()
    run.push(events.Started("p"))
    run.finish(errors.BackendUnavailable("gone"))

    got: list[events.PromptEvent] = []

    async def consume() -> None:
        async for event in run:
            got.append(event)

    with pytest.raises(errors.BackendUnavailable):
        await consume()
    assert got == [events.Started("p")]
    with pytest.raises(errors.BackendUnavailable):
        await run.result(timeout_s=0.1)


async def test_result_times_out_with_the_library_error() -> None:
    with pytest.raises(errors.TimedOut):
        await new_run().result(timeout_s=0.01)
