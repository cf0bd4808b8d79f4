"""The front-end's JobObserver: one message per job, edited in place from queued to the result.

Progress updates only store the newest state and wake the pacer (the core must never wait on Discord for
them). Final updates are delivered right away, bypassing the pacer, and raise if Discord could not be told,
so the core tries again (and again after a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import discord

from background.log_context import log_context
from background.tasks import BackgroundTasks
from bot.locales import Words
from bot.reporting.config import ReportingConfig
from bot.reporting.final import FinalDelivery
from bot.reporting.live import (
    has_server_language,
    in_queue,
    job_words,
    live_rendering,
    merge_progress,
    queued_rendering,
    screened_progress,
)
from bot.reporting.pacer import EditPacer
from bot.reporting.personal import before_token_ends
from bot.reporting.restored import target_from_ids
from bot.reporting.server_languages import ServerLanguages
from bot.reporting.targets import (
    MessageEditor,
    MessageGone,
    MessageTarget,
    TokenEnded,
    target_for_interaction,
)
from bot.reporting.tracking import JobTrack, QueuedState
from bot.runtime import CoreRuntime
from bot.ui.job_messages import ProgressState, Rendering
from core.jobs.service import SubmitReceipt
from core.jobs.snapshots import JobView
from core.jobs.updates import (
    JobCancelled,
    JobCancelling,
    JobCompleted,
    JobFailed,
    JobProgress,
    JobQueued,
    JobSetback,
    JobStarted,
    JobUpdate,
)
from core.rest_budget.rules import Rate

log = logging.getLogger(__name__)


class JobReporter:
    def __init__(
        self,
        client: discord.Client,
        runtime: CoreRuntime,
        config: ReportingConfig,
        *,
        follows_jobs: bool = True,
        languages: ServerLanguages | None = None,
    ) -> None:
        self._client = client
        self.languages = languages or ServerLanguages(client)
        # False in a gateway process: it shows a job once where it was asked for, then the worker running
        # it edits that message (with the ids and token kept with the job).
        self._follows_jobs = follows_jobs
        self._runtime = runtime
        self._config = config
        self._tasks = BackgroundTasks("reporter")
        self.editor = MessageEditor(client, config)
        self._pacer: EditPacer[JobTrack] = EditPacer(config, self._edit_progress, self._tasks)
        self._tracks: dict[int, JobTrack] = {}
        self._final = FinalDelivery(runtime, self.editor, config, self.words_of)

    # -- from the commands -------------------------------------------------------------------------
    def share_channel_edits(self, take: Callable[[int, Rate], Awaitable[float]], rate: Rate) -> None:
        """Progress edits in a channel count against a budget shared with other worker processes."""
        self._pacer.share(lambda channel_id: take(channel_id, rate))

    async def show_on_interaction(
        self,
        receipt: SubmitReceipt,
        interaction: discord.Interaction,
        message_id: int,
        *,
        followup: bool = False,
    ) -> None:
        """The job is shown on the interaction's deferred response message (ephemeral for a private job), or
        on one of its followup messages."""
        target = target_for_interaction(interaction, message_id, receipt.job, self._config, followup=followup)
        await self._place(receipt, target, response_message_id=message_id)

    async def show_in_channel(self, receipt: SubmitReceipt, channel_id: int) -> discord.Message:
        """The job gets a new channel message (a regeneration by reaction: there is no interaction)."""
        track = self._track(receipt.job)
        track.queued = QueuedState(receipt.position, receipt.eta_s, receipt.held)
        rendering = queued_rendering(self.words_of(receipt.job), receipt.job, track.queued)
        message = await self.editor.post(channel_id, rendering)
        track.last_signature = rendering.signature
        target = MessageTarget(channel_id, message.id, self._config.default_upload_limit, receipt.job.id)
        await self._place(receipt, target, channel_message_id=message.id)
        return message

    async def _place(
        self,
        receipt: SubmitReceipt,
        target: MessageTarget,
        *,
        response_message_id: int | None = None,
        channel_message_id: int | None = None,
    ) -> None:
        track = self._track(receipt.job)
        if track.queued is None and track.progress is None:
            track.queued = QueuedState(receipt.position, receipt.eta_s, receipt.held)
        track.place(target)
        if not self._follows_jobs:
            await self._show_once(track)
        elif not track.finished:
            self._pacer.mark(track)
            self._watch_token(track, target)
        if response_message_id is not None and response_message_id == receipt.job.response_message_id:
            return  # kept with the job when it was made
        # After a restart these ids are all that is left to find the message again.
        await self._runtime.service.record_messages(
            receipt.job.id, response_message_id=response_message_id, channel_message_id=channel_message_id
        )

    async def _show_once(self, track: JobTrack) -> None:
        """A gateway process's one edit: the job is queued (the worker running it edits on from there)."""
        self._tracks.pop(track.job_id, None)
        try:
            await self._edit_progress(track)
        except discord.HTTPException as error:  # the job is queued all the same; its worker shows it
            with log_context(job_id=track.job_id):
                log.warning("could not show the queued job (%s/%s)", error.status, error.code)

    # -- from the core -------------------------------------------------------------------------------
    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        if isinstance(update, JobCompleted | JobFailed | JobCancelled):
            await self._deliver_final(job, update)
            return
        track = self._track(job)
        track.job = job
        if isinstance(update, JobQueued):
            track.queued = QueuedState(update.position, update.eta_s, update.held, update.on_server)
            if track.setback is not None and track.setback.setback.runs_again:
                track.setback = track.progress = None  # queued again: its place, as any queued job's
            if in_queue(track):
                track.owner_waited = False  # (back) in the queue: whoever runs it next waits again
        elif isinstance(update, JobStarted):
            track.setback = None
            track.progress = ProgressState(elapsed_s=update.elapsed_s)
        elif isinstance(update, JobProgress):
            track.setback = None
            update = await screened_progress(self._runtime, job, update)
            track.progress = merge_progress(track.progress, update)
        elif isinstance(update, JobSetback):
            track.setback = update
        elif isinstance(update, JobCancelling):
            track.cancelling = update
        if track.target is None and not track.message_gone:
            self._restore(track, job)
        if track.target is not None and not track.finished:
            self._pacer.mark(track)

    async def _deliver_final(self, job: JobView, update: JobCompleted | JobFailed | JobCancelled) -> None:
        await self._learn_language(job)
        track = self._track(job)
        if track.target is None and not track.message_gone and not self._restore(track, job):
            await self._find_placement(track)
        track.job = job
        await self._after_place_edits(track)
        async with track.lock:
            track.finished = True
            track.ended.set()
            self._pacer.forget(track)
            await self._final.deliver(job, update, track)
            track.shown.set()
        self._tracks.pop(job.id, None)

    def forget(self, job_id: int) -> None:
        """Another worker took the job from the queue: its pending place edit is dropped, and its message is
        left to that worker (an edit already in flight is ordered by db/units/place_edits.py)."""
        track = self._tracks.get(job_id)
        if track is None or not in_queue(track):
            return  # not this process's to drop: it shows the job running (or its prompt in a server here)
        del self._tracks[job_id]
        track.finished = True
        track.ended.set()
        self._pacer.forget(track)

    def _watch_token(self, track: JobTrack, target: MessageTarget) -> None:
        if target.token_only and target.interaction is not None and target.token_deadline is not None:
            self._tasks.spawn(
                before_token_ends(track, target, self.words_of), name=f"token-end-{track.job_id}"
            )

    async def wait_shown(self, job_id: int) -> None:
        """Until the job's message shows the job (or `message_wait_s` passed): what follows it in the
        interaction, like a private note, can no longer take the place of the "thinking…" message."""
        track = self._tracks.get(job_id)
        if track is None:
            return  # delivered and forgotten: its message was edited long ago
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._config.message_wait_s):
                await track.shown.wait()

    async def _find_placement(self, track: JobTrack) -> None:
        """The message of a job whose ids were not known yet: placed here by the command that made it, or
        recorded by the process that posted it (a gateway's message for a 🔁), read again from the job."""
        for attempt in range(2):
            fresh = await self._runtime.store.get(track.job_id)
            if fresh is not None and self._restore(track, fresh):
                return
            if attempt == 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._config.message_wait_s):
                        await track.placed.wait()
                if track.target is not None:
                    return
        with log_context(job_id=track.job.id, guild_id=track.job.guild_id):
            log.warning("no message shows this job; posting one")

    def _restore(self, track: JobTrack, job: JobView) -> bool:
        """A job this process did not place (a restart, or a job a gateway process took): its message found
        again from the ids and token kept with it."""
        target = target_from_ids(self._client, self._config, job)
        if target is None:
            return False
        track.restored = True
        track.place(target)
        self._watch_token(track, target)
        return True

    def _track(self, job: JobView) -> JobTrack:
        track = self._tracks.get(job.id)
        if track is None:
            self._tracks[job.id] = track = JobTrack(job)
        return track

    # -- progress edits (called by the pacer) ----------------------------------------------------
    async def _edit_progress(self, item: JobTrack) -> bool:
        await self._learn_language(item.job)
        async with item.lock:
            if item.finished or item.target is None:
                return False
            rendering = live_rendering(self.words_of(item.job), item, self._runtime.service.position)
            if rendering.signature == item.last_signature:
                return False
            if in_queue(item):
                # Told by the leading worker, maybe not the one that runs it (db/units/place_edits.py).
                async with self._runtime.store.while_queued(item.job_id) as queued:
                    return queued and await self._send(item, item.target, rendering)
            await self._after_place_edits(item)
            return await self._send(item, item.target, rendering)

    async def _after_place_edits(self, track: JobTrack) -> None:
        """The job left the queue: a place edit another worker still has in flight lands before ours."""
        if not track.owner_waited:
            await self._runtime.store.after_place_edits(track.job_id)
            track.owner_waited = True

    async def _send(self, item: JobTrack, target: MessageTarget, rendering: Rendering) -> bool:
        try:
            await self.editor.edit(target, rendering)
        except TokenEnded:
            return False  # the result goes by direct message (bot.reporting.personal)
        except MessageGone:
            with log_context(job_id=item.job_id):
                log.info("its message was deleted; the result will get a new one")
            item.target = None
            item.message_gone = True
            return True
        item.last_signature = rendering.signature
        item.shown.set()
        return True

    def words_of(self, job: JobView) -> Words:
        return job_words(self._client, self.languages, job)

    async def _learn_language(self, job: JobView) -> None:
        """Before its message is rendered: the server's language, which a worker has no cache to read."""
        if has_server_language(job):
            await self.languages.learn(job.guild_id)

    async def close(self) -> None:
        await self._tasks.close()
