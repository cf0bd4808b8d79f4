"""A clock a test moves on by hand: `sleep` waits until `advance` has passed its end, never on real time.

`advance` returns once every task it woke has done what it does next (slept again, or ended), so a test can
tell at once what came of it, with no wait on the wall clock."""

from __future__ import annotations

import asyncio


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None], asyncio.Task[object] | None]] = []
        self._changed = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        task = asyncio.current_task()
        if task is not None:
            task.add_done_callback(lambda _task: self._changed.set())
        self._sleepers.append((self.now + seconds, woken, task))
        self._changed.set()
        await woken

    async def advance(self, seconds: float) -> None:
        """Once something sleeps (a task just started may not have yet), move on and wake what is due."""
        async with asyncio.timeout(5):
            while not self._sleepers:
                await self._wait_change()
            self.now += seconds
            due = [(woken, task) for end, woken, task in self._sleepers if end <= self.now]
            self._sleepers = [s for s in self._sleepers if s[0] > self.now]
            for woken, _task in due:
                woken.set_result(None)
            for _woken, task in due:
                while task is not None and not task.done() and not self._asleep(task):
                    await self._wait_change()

    def _asleep(self, task: asyncio.Task[object]) -> bool:
        return any(sleeper is task for _end, _woken, sleeper in self._sleepers)

    async def _wait_change(self) -> None:
        self._changed.clear()
        await self._changed.wait()
