"""Each failure notice (core.jobs.failure_notices), posted to its server's log channel if one is set
(/settings log channel:, the moderation log's channel; bot.reporting.log_channel says how).

Failures happen where the queue runs: in a `worker` process too, which loads no extension. So this is not
a cog but part of the client, like the reporter. Each post is a kept background task: the job's own failure
and its delivery never wait on the log channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from background.log_context import log_context
from background.tasks import BackgroundTasks
from bot.reporting.log_channel import LogChannel, LogPost
from bot.runtime import CoreRuntime
from bot.ui.failure_notice import failure_notice_text
from core.jobs.failure_notices import FailureNotice

log = logging.getLogger(__name__)

# Heard once each notice's post is settled: True if it was posted (tests wait on it).
PostListener = Callable[[FailureNotice, bool], None]


class FailurePosts:
    def __init__(self, log_channel: LogChannel, runtime: CoreRuntime, *, secrets: Iterable[str]) -> None:
        self._log_channel = log_channel
        self._runtime = runtime
        self._secrets = tuple(secret for secret in secrets if secret)
        self._tasks = BackgroundTasks("failure-posts")
        self._unsubscribe: Callable[[], None] = lambda: None
        self._listeners: list[PostListener] = []

    def start(self) -> None:
        self._unsubscribe = self._runtime.failure_notices.subscribe(self._heard)

    async def close(self) -> None:
        self._unsubscribe()
        await self._tasks.drain(within_s=2.0)

    def subscribe(self, listener: PostListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _heard(self, notice: FailureNotice) -> None:
        self._tasks.spawn(self._post_and_tell(notice), name=f"failure-post-{notice.failure.job.id}")

    async def _post_and_tell(self, notice: FailureNotice) -> None:
        job = notice.failure.job
        with log_context(guild_id=job.guild_id, user_id=job.user_id, job_id=job.id):
            posted = await self._log_channel.post(
                job.guild_id,
                lambda words: LogPost(failure_notice_text(words, notice, secrets=self._secrets)),
                what="failure notice",
            )
            if posted:
                log.info("failure notice posted (%d more counted)", notice.more)
            for listener in list(self._listeners):
                try:
                    listener(notice, posted)
                except Exception:
                    log.exception("a failure post listener failed")
