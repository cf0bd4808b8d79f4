"""How /queue and /cancel answer: the guild's queue in numbers, and the member's own jobs. Pure functions."""

from __future__ import annotations

import discord

from bot.ui.history_render import COLOUR, job_summary, shorten
from core.jobs.browsing import QueueOverview
from core.jobs.snapshots import JobView
from core.jobs.stages import JobPlace, JobStage
from core.kinds import spec_of


def place_in_queue(place: JobPlace) -> str:
    """The same state the job's own message shows: "Queued" until its server has begun it."""
    if place.stage is JobStage.RUNNING:
        return "running now"
    if place.stage is JobStage.SENT:
        return "queued on the server, starts next"
    if place.position is None:
        return "queued"
    if place.position == 0:
        return "next to start"
    return f"#{place.position + 1} in the queue"


def queue_embed(overview: QueueOverview, *, personal: bool = False) -> discord.Embed:
    """`personal`: asked where the app is not installed: the queue is the person's own (core.jobs.scopes)."""
    embed = discord.Embed(title="Queue", colour=COLOUR)
    embed.add_field(
        name="Outside my servers, yours" if personal else "This server",
        value=f"{overview.guild_running} running · {overview.guild_queued} waiting",
    )
    embed.add_field(
        name="Everywhere",
        value=f"{overview.running_everywhere} running · {overview.queued_everywhere} waiting",
    )
    if overview.mine:
        lines = [
            f"**#{job.id}** {spec_of(job.params).texts.mark} {place_in_queue(place)} — "
            f"{shorten(job_summary(job), 60)}"
            for job, place in overview.mine
        ]
        embed.add_field(name="Your jobs", value="\n".join(lines)[:1024], inline=False)
    else:
        embed.add_field(name="Your jobs", value="You have nothing queued or running.", inline=False)
    return embed


def cancelled_text(job: JobView, *, by_someone_else: bool) -> str:
    whose = f" (requested by <@{job.user_id}>)" if by_someone_else else ""
    return f"Cancelling job #{job.id}{whose}. Its message will say so in a moment."
