"""The last edit of a job's message: the result with its files and buttons, or why it failed.

Files are fitted to the upload limit first; a 413 from Discord halves the limit and tries again. If the
message was deleted the result goes to a new channel message, so it is never lost. Every uploaded file is
recorded on its artifact row (message id and attachment URL).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

import discord

from background.log_context import log_context
from bot.locales import Words
from bot.reporting.attachments import MAX_FILES_PER_MESSAGE, fit_to_limit
from bot.reporting.config import ReportingConfig
from bot.reporting.files import read_artifacts
from bot.reporting.personal import send_by_dm, send_followup
from bot.reporting.ping import ping_in_followup, ping_requester
from bot.reporting.stored_token import ResponseToken
from bot.reporting.targets import (
    ChannelUnreachable,
    MessageEditor,
    MessageGone,
    MessageTarget,
    PayloadTooLarge,
    token_only_for,
)
from bot.reporting.tracking import JobTrack
from bot.reporting.uploaded import uploaded_urls
from bot.reporting.video_files import poster_for
from bot.reporting.withheld import WITHHELD_NOTICE, tell_requester
from bot.runtime import CoreRuntime
from bot.ui.job_messages import (
    OutgoingFile,
    Rendering,
    render_cancelled,
    render_done,
    render_failed,
    render_withheld,
)
from bot.ui.result_buttons import result_items
from core.jobs.snapshots import ArtifactView, JobView, SafetyAction
from core.jobs.updates import JobCancelled, JobCompleted, JobFailed

log = logging.getLogger(__name__)

_SHRINK_ATTEMPTS = 4


class FinalDelivery:
    def __init__(
        self,
        runtime: CoreRuntime,
        editor: MessageEditor,
        config: ReportingConfig,
        words_of: Callable[[JobView], Words],
    ) -> None:
        self._runtime = runtime
        self._editor = editor
        self._config = config
        self._words_of = words_of  # the job's language (bot.reporting.live.job_words)

    async def deliver(
        self, job: JobView, update: JobCompleted | JobFailed | JobCancelled, track: JobTrack
    ) -> None:
        if isinstance(update, JobCompleted) and job.safety_action is SafetyAction.WITHHELD:
            # Held back by the guild's content settings: no files, no ping; the requester hears privately,
            # once per job (a result delivered again after a restart must not tell them a second time; a
            # notice claimed then is taken as sent). The channel's message says they were told only if so.
            told = True
            if await self._runtime.store.claim_once(job.id, WITHHELD_NOTICE):
                told = await tell_requester(self._editor, job, _live_token(track), self._words_of(job))
            await self._show(job, track, render_withheld(self._words_of(job), job, told=told))
            return
        if isinstance(update, JobCompleted):
            shown = await self._deliver_result(job, update.artifacts, track, took_s=update.took_s)
        else:
            if isinstance(update, JobFailed):
                words = self._words_of(job)
                reason = words.say(update.text) if update.text is not None else update.user_message
                rendering = render_failed(words, job, reason)
            else:
                rendering = render_cancelled(self._words_of(job), job, update.by_user_id)
            shown = await self._show(job, track, rendering)
        if token_only_for(job):
            words = self._words_of(job)
            await ping_in_followup(words, self._runtime.pings, job, update, _live_token(track))
        else:
            words = self._words_of(job)
            # Only a result delivered again may have been pinged already (a worker restores every job it did
            # not place, so `track.restored` alone would read the channel before every ping there).
            await ping_requester(
                words,
                self._runtime.pings,
                job,
                update,
                shown,
                maybe_sent=update.again,
                interaction=_live_token(track),
            )

    async def _deliver_result(
        self, job: JobView, artifacts: Sequence[ArtifactView], track: JobTrack, *, took_s: float | None
    ) -> discord.Message | None:
        """The message that shows the first files; `took_s`: the whole job's time, if the core knows it."""
        first, rest = artifacts[:MAX_FILES_PER_MESSAGE], artifacts[MAX_FILES_PER_MESSAGE:]
        files = await self._read(job, first, among=artifacts)
        limit = track.target.upload_limit if track.target is not None else self._config.default_upload_limit
        offered = self._runtime.results.offered(job, first)
        # Laid out in Action Rows inside the result's container, each on the row result_items gives it.
        words = self._words_of(job)
        controls = tuple(result_items(words, job.id, len(first), offered))
        # A video's first frame shows in the gallery above its File component (taken from the original,
        # before any re-encoding).
        poster = await poster_for(files)
        posters: tuple[OutgoingFile, ...] = (poster,) if poster is not None else ()
        if _spoilered(job):
            posters = tuple(p.as_spoiler() for p in posters)
        for attempt in range(_SHRINK_ATTEMPTS):
            fitted = await fit_to_limit(files, limit, reserved=sum(len(p.data) for p in posters))
            rendering = render_done(
                words,
                job,
                fitted.files + posters,
                controls,
                duration_s=took_s if took_s is not None else _duration(job),
                shrunk=fitted.shrunk,
                notes=fitted.notes,
                made=first,
                spoiler=_spoilered(job),
            )
            try:
                message = await self._show(job, track, rendering)
            except PayloadTooLarge:
                if attempt == _SHRINK_ATTEMPTS - 1:
                    raise
                limit //= 2
                with log_context(job_id=job.id, guild_id=job.guild_id):
                    log.info("Discord said the files are too large; trying %d bytes", limit)
                continue
            await self._record_uploads(first, fitted.files, message)
            break
        for start in range(0, len(rest), MAX_FILES_PER_MESSAGE):
            await self._post_more(job, rest[start : start + MAX_FILES_PER_MESSAGE], track, among=artifacts)
        return message

    async def _show(self, job: JobView, track: JobTrack, rendering: Rendering) -> discord.Message | None:
        if token_only_for(job):
            return await self._show_personal(job, track, rendering)
        if track.target is not None:
            try:
                message = await self._editor.edit(track.target, rendering)
                track.last_signature = rendering.signature
                return message
            except ChannelUnreachable:
                return await self._send_direct(job, rendering)
            except MessageGone:
                with log_context(job_id=job.id, guild_id=job.guild_id):
                    log.info("its message cannot be edited; posting the result anew")
        try:
            message = await self._editor.post(job.channel_id, rendering)
        except (discord.Forbidden, discord.NotFound):
            return await self._send_direct(job, rendering)
        track.last_signature = rendering.signature
        limit = track.target.upload_limit if track.target else self._config.default_upload_limit
        track.place(MessageTarget(job.channel_id, message.id, limit, job.id))
        await self._runtime.service.record_messages(job.id, channel_message_id=message.id)
        return message

    async def _show_personal(
        self, job: JobView, track: JobTrack, rendering: Rendering
    ) -> discord.Message | None:
        """Through the token while it lasts; otherwise (or if the message is gone) by direct message. A
        personal scope's job, or a private one: never to the channel, where everyone would see it."""
        if track.target is not None:
            try:
                message = await self._editor.edit(track.target, rendering)
                track.last_signature = rendering.signature
                return message
            except MessageGone:
                pass  # TokenEnded, or the response was deleted
        return await send_by_dm(
            self._words_of(job), self._editor, job, rendering, restarted=_token_lost(track, job)
        )

    async def _post_more(
        self,
        job: JobView,
        artifacts: Sequence[ArtifactView],
        track: JobTrack,
        *,
        among: Sequence[ArtifactView],
    ) -> None:
        files = await self._read(job, artifacts, among=among)
        fitted = await fit_to_limit(files, self._config.default_upload_limit)
        words = self._words_of(job)
        more = render_done(
            words,
            job,
            fitted.files,
            (),
            duration_s=None,
            shrunk=fitted.shrunk,
            made=artifacts,
            spoiler=_spoilered(job),
        )
        message: discord.Message | None
        if token_only_for(job):
            interaction = _live_token(track)
            if interaction is not None:
                message = await send_followup(interaction, job, more)
            else:
                message = await send_by_dm(words, self._editor, job, more, restarted=_token_lost(track, job))
            await self._record_uploads(artifacts, fitted.files, message)
            return
        try:
            message = await self._editor.post(job.channel_id, more)
        except (discord.Forbidden, discord.NotFound):
            message = await self._send_direct(job, more)
        await self._record_uploads(artifacts, fitted.files, message)

    async def _send_direct(self, job: JobView, rendering: Rendering) -> discord.Message | None:
        """The channel is out of the bot's sight: the requester gets the result by direct message."""
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
            log.info("the bot cannot post in channel %s; sending the result to the requester", job.channel_id)
        note = self._words_of(job)("personal.channel_lost", channel_id=job.channel_id)
        try:
            return await self._editor.post_direct(job.user_id, replace(rendering, note=note, controls=()))
        except discord.Forbidden:
            with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
                log.warning(
                    "the requester accepts no direct messages either; the result is kept in /history only"
                )
            return None

    async def _record_uploads(
        self,
        artifacts: Sequence[ArtifactView],
        sent: Sequence[OutgoingFile],
        message: discord.Message | None,
    ) -> None:
        """Each artifact's message and CDN address (the files were sent in the artifacts' order)."""
        if message is None:
            return
        urls = uploaded_urls(message, [f.filename for f in sent])
        uploads = [(a.id, url) for a, url in zip(artifacts, urls, strict=False) if url is not None]
        await self._runtime.service.record_uploads(message.id, uploads)

    async def _read(
        self, job: JobView, artifacts: Sequence[ArtifactView], *, among: Sequence[ArtifactView]
    ) -> list[OutgoingFile]:
        files = await read_artifacts(self._runtime.artifact_files, job, artifacts, among=among)
        return [f.as_spoiler() for f in files] if _spoilered(job) else files


def _token_lost(track: JobTrack, job: JobView) -> bool:
    """Found again after a restart with no token kept (not one whose 15 minutes ran out)."""
    return track.restored and job.interaction_token is None


def _live_token(track: JobTrack) -> ResponseToken | None:
    target = track.target
    return target.interaction if target is not None and target.token_usable() else None


def _spoilered(job: JobView) -> bool:
    """A result the image classifier flagged, shown behind a spoiler by the guild's content settings."""
    return job.safety_action is SafetyAction.SPOILERED


def _duration(job: JobView) -> float | None:
    if job.started_at is None or job.finished_at is None:
        return None
    return (job.finished_at - job.started_at).total_seconds()
