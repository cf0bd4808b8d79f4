"""BackgroundTasks.drain: at shutdown, work under way may finish within a bound; the rest is cancelled."""

from __future__ import annotations

import asyncio

from background.tasks import BackgroundTasks


async def test_drain_lets_tasks_finish_in_time_and_cancels_the_rest() -> None:
    tasks = BackgroundTasks("test")
    go_on = asyncio.Event()
    finished: list[str] = []

    async def delivery() -> None:
        await go_on.wait()
        finished.append("delivery")

    async def stuck() -> None:
        await asyncio.Event().wait()  # never set: only cancellation ends it

    quick = tasks.spawn(delivery(), name="delivery")
    slow = tasks.spawn(stuck(), name="stuck")
    go_on.set()
    cancelled = await tasks.drain(within_s=0.2)

    assert finished == ["delivery"]
    assert quick.done()
    assert not quick.cancelled()
    assert slow.cancelled()
    assert cancelled == 1
    assert len(tasks) == 0
