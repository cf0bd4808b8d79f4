"""Each new moderation log entry, posted to its server's log channel (/settings log channel:) if it set one
(bot.reporting.log_channel says how).

An entry is stored by the process where it happened: a refusal where the command was answered, a flagged
result where the job ran, in a `worker` too, which loads no extension. So this is not a cog but part of
the client, like the failure posts; each process posts the entries it stored, so each entry is posted
once. The core says an entry was stored (ModerationEvents); the post is a kept background task, so the
core's work never waits on Discord, and a post that fails changes nothing: the request's outcome and the
entry itself stay what they were.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from background.log_context import log_context
from background.tasks import BackgroundTasks
from bot.reporting.log_channel import LogChannel, LogPost
from bot.runtime import CoreRuntime
from bot.ui.moderation_log_render import posted_entry_embed
from core.moderation.log import LoggedEntry

log = logging.getLogger(__name__)

# Heard once each entry's post is settled: True if it was posted (tests wait on it).
PostListener = Callable[[LoggedEntry, bool], None]


class ModerationPosts:
    def __init__(self, log_channel: LogChannel, runtime: CoreRuntime) -> None:
        self._log_channel = log_channel
        self._runtime = runtime
        self._tasks = BackgroundTasks("moderation-posts")
        self._unsubscribe: Callable[[], None] = lambda: None
        self._listeners: list[PostListener] = []

    def start(self) -> None:
        self._unsubscribe = self._runtime.moderation.events.subscribe(self._stored)

    async def close(self) -> None:
        self._unsubscribe()
        await self._tasks.drain(within_s=2.0)

    def subscribe(self, listener: PostListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _stored(self, entry: LoggedEntry) -> None:
        self._tasks.spawn(self._post_and_tell(entry), name=f"moderation-post-{entry.id}")

    async def _post_and_tell(self, entry: LoggedEntry) -> None:
        with log_context(guild_id=entry.guild_id, user_id=entry.user_id, job_id=entry.job_id):
            posted = await self._log_channel.post(
                entry.guild_id,
                lambda words: LogPost(embed=posted_entry_embed(entry, words)),
                what=f"moderation log entry {entry.id}",
            )
            for listener in list(self._listeners):
                try:
                    listener(entry, posted)
                except Exception:
                    log.exception("a moderation post listener failed")
