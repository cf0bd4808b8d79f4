"""How /queue and /cancel answer: the guild's queue in numbers, and the member's own jobs. Pure functions,
in the asker's language."""

from __future__ import annotations

import discord

from bot.locales import Words
from bot.ui.history_render import COLOUR, job_summary, shorten
from core.jobs.browsing import QueueOverview
from core.jobs.snapshots import JobView
from core.jobs.stages import JobPlace, JobStage
from core.kinds import spec_of

_FIELD_LIMIT = 1024  # Discord's most characters in an embed field's value


def place_in_queue(words: Words, place: JobPlace) -> str:
    """The same state the job's own message shows: "Queued" until its server has begun it."""
    if place.stage is JobStage.RUNNING:
        return words("queue.running_now")
    if place.stage is JobStage.SENT:
        return words("queue.sent")
    if place.position is None:
        return words("queue.queued")
    if place.position == 0:
        return words("queue.next")
    return words("queue.place", place=place.position + 1)


def queue_embed(words: Words, overview: QueueOverview, *, personal: bool = False) -> discord.Embed:
    """`personal`: asked where the app is not installed: the queue is the person's own (core.jobs.scopes)."""
    embed = discord.Embed(title=words("queue.title"), colour=COLOUR)
    embed.add_field(
        name=words("queue.personal" if personal else "queue.this_server"),
        value=words("queue.counts", running=overview.guild_running, queued=overview.guild_queued),
    )
    embed.add_field(
        name=words("queue.everywhere"),
        value=words("queue.counts", running=overview.running_everywhere, queued=overview.queued_everywhere),
    )
    if overview.mine:
        lines = [
            f"**#{job.id}** {spec_of(job.params).texts.mark} {place_in_queue(words, place)} — "
            f"{shorten(job_summary(words, job), 60)}"
            for job, place in overview.mine
        ]
        embed.add_field(name=words("queue.yours"), value=_whole_lines(words, lines), inline=False)
    else:
        embed.add_field(name=words("queue.yours"), value=words("queue.nothing"), inline=False)
    return embed


def _whole_lines(words: Words, lines: list[str]) -> str:
    """As many whole lines as fit in an embed field (a line cut short would break its markdown), then how
    many more there are."""
    for shown in range(len(lines), -1, -1):
        rest = len(lines) - shown
        kept = lines[:shown] + ([words("queue.more", count=rest)] if rest else [])
        text = "\n".join(kept)
        if len(text) <= _FIELD_LIMIT:
            return text
    return ""


def cancelled_text(words: Words, job: JobView, *, by_someone_else: bool) -> str:
    if by_someone_else:
        return words("queue.cancelling_for", job_id=job.id, user_id=job.user_id)
    return words("queue.cancelling", job_id=job.id)
