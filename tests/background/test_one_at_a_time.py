"""OneAtATime: one run at a time, and one more after it for whatever was asked while it ran."""

from __future__ import annotations

import asyncio

from background.one_at_a_time import OneAtATime
from background.tasks import BackgroundTasks


async def test_asks_while_a_run_is_under_way_make_exactly_one_more_run_after_it() -> None:
    release = asyncio.Event()
    runs: list[int] = []
    running_at_once = 0

    async def work() -> None:
        nonlocal running_at_once
        running_at_once += 1
        assert running_at_once == 1, "never two runs at once"
        runs.append(len(runs))
        await release.wait()
        running_at_once -= 1

    tasks = BackgroundTasks()
    work_once = OneAtATime(work, tasks, name="work")
    work_once.ask()
    await asyncio.sleep(0)
    for _ in range(5):  # while the first run waits
        work_once.ask()
    assert work_once.running
    release.set()
    await tasks.drain(1.0)

    assert runs == [0, 1]
    assert not work_once.running


async def test_an_ask_after_a_run_ended_starts_a_new_one_and_a_failing_run_does_not_stop_later_asks() -> None:
    calls: list[str] = []

    async def work() -> None:
        calls.append("run")
        if len(calls) == 1:
            raise RuntimeError("the first run fails")

    tasks = BackgroundTasks()
    work_once = OneAtATime(work, tasks, name="work")
    work_once.ask()
    await tasks.drain(1.0)
    assert not work_once.running, "a failed run leaves it ready for the next ask"
    work_once.ask()
    await tasks.drain(1.0)

    assert calls == ["run", "run"]
