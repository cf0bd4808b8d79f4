"""What a job's message shows while the job is live (queued, running, or its server away), in the job's
language, and how a progress update adds to what was shown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePath

import discord

from background.log_context import log_context
from bot.locales import Words, job_locale, words_for
from bot.reporting.server_languages import ServerLanguages
from bot.reporting.tracking import JobTrack, QueuedState
from bot.runtime import CoreRuntime
from bot.ui.job_messages import (
    OutgoingFile,
    ProgressState,
    Rendering,
    render_cancelling,
    render_queued,
    render_running,
    render_setback,
)
from core.jobs.snapshots import JobStatus, JobView
from core.jobs.updates import Hold, JobProgress
from core.safety.policy import action_for

log = logging.getLogger(__name__)

_HOLDS = {Hold.DISK_FULL: "status.disk_full", Hold.SERVERS_AWAY: "status.servers_away"}


def job_words(client: discord.Client, languages: ServerLanguages, job: JobView) -> Words:
    """The language of a job's messages (bot.locales.job_locale): its server's, where the server chose
    one of the shipped languages, else that of the person who asked. The server's is what `languages`
    knows by now (a worker learns it over REST before each edit: JobReporter._learn_language)."""
    server = languages.known(job.guild_id) if has_server_language(job) else None
    catalogue = words_for(client, None).catalogue
    return Words(catalogue, job_locale(catalogue, server, job.locale))


def has_server_language(job: JobView) -> bool:
    """A job whose messages the whole server reads (not a private one, nor one outside the bot's servers)."""
    return job.guild_id > 0 and not job.private


def live_rendering(words: Words, track: JobTrack, position: Callable[[int], int | None]) -> Rendering:
    """``position``: the job's place in the queue, asked only when no queued update said it."""
    if track.cancelling is not None:
        return render_cancelling(words, track.job)
    if track.setback is not None:
        return render_setback(words, track.job, track.setback, track.progress)
    if track.progress is not None:
        return render_running(words, track.job, track.progress)
    queued = track.queued or QueuedState(position(track.job_id), None)
    return queued_rendering(words, track.job, queued)


def in_queue(track: JobTrack) -> bool:
    """The message would show the job's place in the queue (not a prompt of ours waiting in a server)."""
    shows_queue = track.setback is None and track.progress is None and track.cancelling is None
    return shows_queue and track.job.status is JobStatus.QUEUED


def queued_rendering(words: Words, job: JobView, queued: QueuedState) -> Rendering:
    held = words(_HOLDS[queued.held]) if queued.held is not None else None
    return render_queued(words, job, queued.position, queued.eta_s, held, on_server=queued.on_server)


def merge_progress(previous: ProgressState | None, update: JobProgress) -> ProgressState:
    preview = previous.preview if previous is not None else None
    if update.preview:
        suffix = PurePath((update.preview_mime or "image/jpeg").replace("/", ".")).suffix or ".jpg"
        preview = OutgoingFile(f"preview{suffix.replace('.jpeg', '.jpg')}", update.preview)
    return ProgressState(
        step=update.step,
        steps=update.steps,
        elapsed_s=update.elapsed_s,
        preview=preview,
        fraction=update.fraction,
        stage=update.stage,
    )


async def screened_progress(runtime: CoreRuntime, job: JobView, update: JobProgress) -> JobProgress:
    """The update without its preview where the server spoilers or holds back flagged results in the job's
    channel: a preview is never looked at by the image checker (its result is, when it ends), and a late
    one is nearly that result."""
    if update.preview is None or runtime.safety.classifier is None:
        return update
    try:
        mode = (await runtime.policies.get(job.guild_id)).safety_mode
    except Exception as exc:  # the database away: no preview rather than an unscreened one
        with log_context(job_id=job.id, guild_id=job.guild_id):
            log.warning("the guild's safety mode could not be read (%s); no preview shown", exc)
        return replace(update, preview=None)
    if action_for(mode, flagged=True, channel_is_nsfw=job.channel_nsfw) is None:
        return update
    return replace(update, preview=None)
