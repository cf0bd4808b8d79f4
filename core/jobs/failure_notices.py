"""Which server failures a server's managers are told of, and how often: a burst told once, then counted.

A failure of a server's job (never a personal scope's, nor a manager's /workflows test, who is told all of
it already) is a notice at once, unless one for the same server and reason was given within the window:
then it is counted, and when the window ends one notice says how many more failed the same way (and the
window starts again, so a backend that stays broken is told once per window at most). A window with
nothing counted just ends.

With one process (SQLite) the windows live in its memory. With several processes on PostgreSQL they are
shared through the database (`SharedWindows`, db.units.failure_windows): the process that opened a window
tells its first failure and, at its end, the count of all processes' failures in it, naming the last of
its own; so a server hears once per window however many workers there are. When the database fails a
step, this process counts in its memory as a lone process would (logged once until the database answers
again). A restart forgets the counts it had not told yet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

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
WindowKey = tuple[int, str]  # guild id, reason key


class SharedWindows(Protocol):
    """The windows of every process on one database; each step is one only one process can win."""

    async def open_or_count(self, guild_id: int, reason_key: str, window_s: float) -> bool:
        """True: this call opened the window; False: the failure was counted in an open one."""
        ...

    async def close(self, guild_id: int, reason_key: str) -> int:
        """The ending window's count, taken once (the window starts again); 0: the window is gone."""
        ...


@dataclass(slots=True)
class _Window:
    counted: int = 0
    last: ServerFailure | None = field(default=None, repr=False)


class FailureNotices:
    def __init__(self, settings: FailureNoticeSettings, shared: SharedWindows | None = None) -> None:
        self._settings = settings
        self._shared = shared
        self._shared_broken = False  # logged once until the database answers again
        self._windows: dict[WindowKey, _Window] = {}
        self._last_shared: dict[WindowKey, ServerFailure] = {}  # this process's last, named in a count
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
        if self._shared is None or key in self._windows:
            self._heard_here(key, failure)
            return
        self._tasks.spawn(
            self._heard_shared(self._shared, key, failure), name=f"failure-heard-{job.guild_id}"
        )

    def _heard_here(self, key: WindowKey, failure: ServerFailure) -> None:
        window = self._windows.get(key)
        if window is not None:
            window.counted += 1
            window.last = failure
            return
        self._windows[key] = _Window()
        # Supervised: a window whose loop died would count this server's reason forever, never told.
        name = f"failure-window-{key[0]}"
        self._tasks.spawn(supervise(name, lambda: self._close_later(key)), name=name)
        self._tell(FailureNotice(failure))

    async def _heard_shared(self, shared: SharedWindows, key: WindowKey, failure: ServerFailure) -> None:
        try:
            opened = await shared.open_or_count(*key, self._settings.window_s)
        except Exception as error:
            self._shared_failed(error)
            self._heard_here(key, failure)
            return
        self._shared_broken = False
        self._last_shared[key] = failure
        if opened:
            name = f"failure-window-{key[0]}"
            closing = lambda: self._close_shared_later(shared, key, failure)  # noqa: E731
            self._tasks.spawn(supervise(name, closing), name=name)
            self._tell(FailureNotice(failure))

    async def _close_shared_later(self, shared: SharedWindows, key: WindowKey, first: ServerFailure) -> None:
        while True:
            await self._settings.sleep(self._settings.window_s)
            try:
                more = await shared.close(*key)
            except Exception as error:
                # The count stays in the database; after a few windows the next failure takes it over.
                self._shared_failed(error)
                return
            if more == 0:
                self._last_shared.pop(key, None)
                return
            # The last is forgotten when a window ends; a window opened just then still has its first.
            self._tell(FailureNotice(self._last_shared.get(key, first), more=more))

    def _shared_failed(self, error: Exception) -> None:
        if not self._shared_broken:
            self._shared_broken = True
            log.warning("the shared failure windows failed; counting in this process", exc_info=error)

    async def _close_later(self, key: WindowKey) -> None:
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
        self._last_shared.clear()
