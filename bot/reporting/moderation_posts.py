"""Each new moderation log entry, posted to its server's log channel (/settings log channel:) if it set one
(bot.reporting.log_posts, bot.reporting.log_channel say how).

An entry is stored by the process where it happened: a refusal where the command was answered, a flagged
result where the job ran, in a `worker` too. Each process posts the entries it stored, so each entry is
posted once; a post that fails leaves the request's outcome and the entry itself what they were.
"""

from __future__ import annotations

from bot.locales import Words
from bot.reporting.log_channel import LogChannel, LogPost
from bot.reporting.log_posts import LogPosts
from bot.runtime import CoreRuntime
from bot.ui.moderation_log_render import posted_entry_embed
from core.moderation.log import LoggedEntry


class ModerationPosts(LogPosts[LoggedEntry]):
    def __init__(self, log_channel: LogChannel, runtime: CoreRuntime) -> None:
        super().__init__(log_channel, runtime.moderation.events.subscribe, name="moderation-posts")

    def where(self, event: LoggedEntry) -> tuple[int, int, int | None]:
        return event.guild_id, event.user_id, event.job_id

    def compose(self, event: LoggedEntry, words: Words) -> LogPost:
        return LogPost(embed=posted_entry_embed(event, words))

    def what(self, event: LoggedEntry) -> str:
        return f"moderation log entry {event.id}"
