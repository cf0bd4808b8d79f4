"""Work run in a background task, one run at a time, that is never left behind what it was asked about."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from background.tasks import BackgroundTasks


class OneAtATime:
    """Runs ``work`` in a task of its own when asked. Asked again while a run is under way, it runs once more
    after it (that run may have begun before what the new ask is about), however often it was asked."""

    def __init__(self, work: Callable[[], Awaitable[None]], tasks: BackgroundTasks, *, name: str) -> None:
        self._work = work
        self._tasks = tasks
        self._name = name
        self._task: asyncio.Task[None] | None = None
        self._again = False

    @property
    def running(self) -> bool:
        # The task, not a flag its `finally` clears: a task cancelled before its first step runs no finally.
        return self._task is not None and not self._task.done()

    def ask(self) -> None:
        if self.running:
            self._again = True
            return
        self._task = self._tasks.spawn(self._run(), name=self._name)

    async def _run(self) -> None:
        while True:
            self._again = False
            await self._work()
            if not self._again:
                return
