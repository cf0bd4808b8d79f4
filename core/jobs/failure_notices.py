"""Which server failures a server's managers are told of, and how often: a burst told once, then counted.

A failure of a server's job (never a personal scope's, nor a manager's /workflows test, who is told all of
it already) is a notice at once, unless one for the same server and reason was given within the window:
then it is counted, and when the window ends one notice says how many more failed the same way (and the
window starts again, so a backend that stays broken is told once per window at most). A window with
nothing counted just ends.

The windows live in this process's memory: each worker process counts its own failures, so with several
workers a server may hear once per window from each; a restart forgets the counts it had not told yet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from background.loops import supervise
from background.tasks import BackgroundTasks
from core.jobs.failure_events import ServerFailure
from core.jobs.scopes import is_personal
from core.workflows.trial import is_trial

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class FailureNoticeSettings:
    window_s: float = 300.0  # one notice per server and reason within this
    sleep: Sleep = asyncio.sleep  # tests move time on instead of waiting


@dataclass(frozen=True, slots=True)
class FailureNotice:
    failure: ServerFailure  # the first of a burst; in a count, the last one counted
    more: int = 0  # 0: this failure is told; else: this many more failed the same way since


NoticeListener = Callable[[FailureNotice], None]


@dataclass(slots=True)
class _Window:
    counted: int = 0
    last: ServerFailure | None = field(default=None, repr=False)


class FailureNotices:
    def __init__(self, settings: FailureNoticeSettings) -> None:
        self._settings = settings
        self._windows: dict[tuple[int, str], _Window] = {}
        self._listeners: list[NoticeListener] = []
        self._tasks = BackgroundTasks("failure-notices")

    def subscribe(self, listener: NoticeListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def heard(self, failure: ServerFailure) -> None:
        """A job failed (core.jobs.failure_events): told now, counted, or not a server's business."""
        job = failure.job
        if is_personal(job.guild_id) or is_trial(job):
            return
        key = (job.guild_id, failure.reason_key)
        window = self._windows.get(key)
        if window is not None:
            window.counted += 1
            window.last = failure
            return
        self._windows[key] = _Window()
        # Supervised: a window whose loop died would count this server's reason forever, never told.
        name = f"failure-window-{job.guild_id}"
        self._tasks.spawn(supervise(name, lambda: self._close_later(key)), name=name)
        self._tell(FailureNotice(failure))

    async def _close_later(self, key: tuple[int, str]) -> None:
        while True:
            await self._settings.sleep(self._settings.window_s)
            window = self._windows[key]
            if window.last is None:
                del self._windows[key]
                return
            self._windows[key] = _Window()  # the count told opens the next window
            self._tell(FailureNotice(window.last, more=window.counted))

    def _tell(self, notice: FailureNotice) -> None:
        for listener in list(self._listeners):
            try:
                listener(notice)
            except Exception:
                log.exception("a failure notice listener failed")

    async def close(self) -> None:
        """Counts not yet told are dropped: the jobs' own messages and their detail (/show) remain."""
        await self._tasks.close()
        self._windows.clear()
