"""Each failure notice (core.jobs.failure_notices), posted to its server's log channel if one is set
(/settings log channel:, the moderation log's channel; bot.reporting.log_posts, bot.reporting.log_channel
say how). Failures happen where the queue runs: in a `worker` process too. The job's own failure and its
delivery never wait on the log channel.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.locales import Words
from bot.reporting.log_channel import LogChannel, LogPost
from bot.reporting.log_posts import LogPosts
from bot.runtime import CoreRuntime
from bot.ui.failure_notice import failure_notice_text
from core.jobs.failure_notices import FailureNotice

log = logging.getLogger(__name__)


class FailurePosts(LogPosts[FailureNotice]):
    def __init__(self, log_channel: LogChannel, runtime: CoreRuntime, *, secrets: Iterable[str]) -> None:
        super().__init__(log_channel, runtime.failure_notices.subscribe, name="failure-posts")
        self._secrets = tuple(secret for secret in secrets if secret)

    def where(self, event: FailureNotice) -> tuple[int, int, int | None]:
        job = event.failure.job
        return job.guild_id, job.user_id, job.id

    def compose(self, event: FailureNotice, words: Words) -> LogPost:
        return LogPost(failure_notice_text(words, event, secrets=self._secrets))

    def what(self, event: FailureNotice) -> str:
        return "failure notice"

    def posted(self, event: FailureNotice) -> None:
        log.info("failure notice posted (%d more counted)", event.more)
