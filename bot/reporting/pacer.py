"""Progress edits, paced: at most one edit per message every `edit_interval_s`, and a budget of edits shared
by every job message in a channel. Updates arriving faster are merged: the edit shows the newest state.

One task per channel with pending edits; it ends when the channel has nothing left to show. With several
worker processes the channel's budget is also shared between them (`share`: the database's REST budget).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from background.log_context import log_context
from background.tasks import BackgroundTasks
from bot.reporting.config import ReportingConfig

log = logging.getLogger(__name__)


class Paced(Protocol):
    last_edit_at: float

    @property
    def job_id(self) -> int: ...

    @property
    def channel_id(self) -> int: ...


PacedT = TypeVar("PacedT", bound=Paced)
# Takes one edit from the channel's budget shared with other processes: 0 when taken, else the wait.
SharedTake = Callable[[int], Awaitable[float]]


class ChannelBudget:
    """A sliding window of edit times for one channel."""

    def __init__(self, per_window: int, window_s: float) -> None:
        self._per_window = per_window
        self._window_s = window_s
        self._sent: collections.deque[float] = collections.deque()

    def wait_s(self, now: float) -> float:
        while self._sent and now - self._sent[0] >= self._window_s:
            self._sent.popleft()
        if len(self._sent) < self._per_window:
            return 0.0
        return self._sent[0] + self._window_s - now

    def spend(self, now: float) -> None:
        self._sent.append(now)


class EditPacer(Generic[PacedT]):
    def __init__(
        self,
        config: ReportingConfig,
        edit: Callable[[PacedT], Awaitable[bool]],
        tasks: BackgroundTasks,
    ) -> None:
        """`edit(item)` renders and sends the item's newest state; it returns False when nothing changed."""
        self._config = config
        self._edit = edit
        self._tasks = tasks
        self._pending: dict[int, dict[int, PacedT]] = {}
        self._wakeups: dict[int, asyncio.Event] = {}
        self._budgets: dict[int, ChannelBudget] = {}
        self._shared: SharedTake | None = None

    def share(self, take: SharedTake) -> None:
        """Every process's edits in a channel count against one budget, taken before each edit."""
        self._shared = take

    def mark(self, item: PacedT) -> None:
        """The item has a newer state to show."""
        channel = item.channel_id
        self._pending.setdefault(channel, {})[item.job_id] = item
        wakeup = self._wakeups.get(channel)
        if wakeup is None:
            self._wakeups[channel] = wakeup = asyncio.Event()
            self._tasks.spawn(self._run(channel, wakeup), name=f"pace-channel-{channel}")
        wakeup.set()

    def forget(self, item: PacedT) -> None:
        self._pending.get(item.channel_id, {}).pop(item.job_id, None)

    def budget(self, channel_id: int) -> ChannelBudget:
        budget = self._budgets.get(channel_id)
        if budget is None:
            budget = ChannelBudget(self._config.channel_edits_per_window, self._config.channel_window_s)
            self._budgets[channel_id] = budget
        return budget

    async def _run(self, channel: int, wakeup: asyncio.Event) -> None:
        try:
            while pending := self._pending.get(channel):
                wakeup.clear()
                now = time.monotonic()
                item = min(pending.values(), key=lambda i: i.last_edit_at)
                wait = max(
                    item.last_edit_at + self._config.edit_interval_s - now, self.budget(channel).wait_s(now)
                )
                if wait <= 0 and self._shared is not None:
                    wait = await self._shared(channel)
                if wait > 0:
                    # A newer item may be due sooner; re-decide when anything changes.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wakeup.wait(), timeout=wait)
                    continue
                if pending.pop(item.job_id, None) is None:
                    continue  # forgotten (its job ended) while the shared budget was asked
                try:
                    sent = await self._edit(item)
                except Exception:
                    with log_context(job_id=item.job_id):
                        log.exception("progress edit failed")
                    sent = True  # it still counts: Discord may have seen it
                if sent:
                    item.last_edit_at = time.monotonic()
                    self.budget(channel).spend(item.last_edit_at)
        finally:
            # No await between the empty check above and this: a new mark() starts a new task.
            self._wakeups.pop(channel, None)
