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
    for step in range(1, 21):
        run.push(events.Progress("p", "3", step, 20))
        run.push(events.Preview("p", "3", "image/jpeg", bytes([step])))
    run.finish(events.Completed("p", {}, ()))

    got = [event async for event in run]

    assert [e.value for e in got if isinstance(e, events.Progress)] == list(range(1, 21))
    assert [e.image[0] for e in got if isinstance(e, events.Preview)] == [17, 18, 19, 20]
    assert run.dropped_previews == 16
    assert isinstance(got[-1], events.Completed)


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
