"""Events of one kind posted to their server's log channel (bot.reporting.log_channel says how), by the
client itself: failure notices (bot.reporting.failure_posts) and moderation log entries
(bot.reporting.moderation_posts).

They happen where the queue runs or the request is answered: in a `worker` process too, which loads no
extension, so this is part of the client, not a cog. Each post is a kept background task: the core's work
never waits on Discord, and a post that fails changes nothing of what was decided.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

from background.log_context import log_context
from background.tasks import BackgroundTasks
from bot.locales import Words
from bot.reporting.log_channel import LogChannel, LogPost

log = logging.getLogger(__name__)

Event = TypeVar("Event")
# Where the events come from: subscribing a listener returns its unsubscribe.
EventSource = Callable[[Callable[[Event], None]], Callable[[], None]]


class LogPosts(ABC, Generic[Event]):
    def __init__(self, log_channel: LogChannel, source: EventSource[Event], *, name: str) -> None:
        self._log_channel = log_channel
        self._source = source
        self._name = name
        self._tasks = BackgroundTasks(name)
        self._unsubscribe: Callable[[], None] = lambda: None
        # Heard once each event's post is settled: True if it was posted (tests wait on it).
        self._listeners: list[Callable[[Event, bool], None]] = []

    def start(self) -> None:
        self._unsubscribe = self._source(self._heard)

    async def close(self) -> None:
        self._unsubscribe()
        await self._tasks.drain(within_s=2.0)

    def subscribe(self, listener: Callable[[Event, bool], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @abstractmethod
    def where(self, event: Event) -> tuple[int, int, int | None]:
        """The event's server, member and job: where it is posted, and the log lines' context."""

    @abstractmethod
    def compose(self, event: Event, words: Words) -> LogPost: ...

    @abstractmethod
    def what(self, event: Event) -> str:
        """The post, as a log line names it."""

    def posted(self, event: Event) -> None:
        """After the post is in the channel."""

    def _heard(self, event: Event) -> None:
        guild_id, _, job_id = self.where(event)
        self._tasks.spawn(self._post_and_tell(event), name=f"{self._name}-{job_id or guild_id}")

    async def _post_and_tell(self, event: Event) -> None:
        guild_id, user_id, job_id = self.where(event)
        with log_context(guild_id=guild_id, user_id=user_id, job_id=job_id):
            posted = await self._log_channel.post(
                guild_id, lambda words: self.compose(event, words), what=self.what(event)
            )
            if posted:
                self.posted(event)
            for listener in list(self._listeners):
                try:
                    listener(event, posted)
                except Exception:
                    log.exception("a listener of %s failed", self.what(event))
