"""The `generate` command's observer: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.locales import english
from bot.ui.setbacks import setback_line
from core.jobs.snapshots import JobView
from core.jobs.updates import (
    FinalUpdate,
    Hold,
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

BAR_WIDTH = 30


_HELD = {Hold.DISK_FULL: "the bot's disk is full", Hold.SERVERS_AWAY: "no ComfyUI server is answering"}


class NotThisCommandsJob(RuntimeError):
    """Raised for another process's job: its result must stay undelivered for the bot to deliver it."""


class TerminalProgress:
    """Follows the jobs this command submitted; refuses to take delivery of anybody else's."""

    def __init__(self, stream: TextIO, *, own_guild_id: int, is_tty: bool | None = None) -> None:
        self._stream = stream
        self._own_guild_id = own_guild_id
        self._tty = stream.isatty() if is_tty is None else is_tty
        self._finals: dict[int, asyncio.Future[FinalUpdate]] = {}
        self._last_line = ""
        self._last_tenth: tuple[str, int] | None = None
        self._words = english()  # an operator's terminal: the reference language

    def follow(self, job_id: int) -> None:
        self._finals.setdefault(job_id, asyncio.get_running_loop().create_future())

    async def final(self, job_id: int) -> FinalUpdate:
        return await asyncio.shield(self._finals[job_id])

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        waiter = self._finals.get(job.id)
        if waiter is None:
            # An earlier run of this command that was killed: nobody else could deliver it anyway.
            if job.guild_id == self._own_guild_id:
                return
            if isinstance(update, JobCompleted | JobFailed | JobCancelled):
                raise NotThisCommandsJob(f"job {job.id} belongs to the bot, not to this command")
            return
        if isinstance(update, JobCompleted | JobFailed | JobCancelled):
            self._end_bar()
            if not waiter.done():
                waiter.set_result(update)
            return
        self._show(job.id, update)

    def _show(
        self, job_id: int, update: JobQueued | JobStarted | JobProgress | JobSetback | JobCancelling
    ) -> None:
        if isinstance(update, JobCancelling):
            self._line(f"job {job_id}: cancelling")
        elif isinstance(update, JobSetback):
            self._line(f"job {job_id}: {setback_line(self._words, update)}")
        elif isinstance(update, JobQueued):
            held = f" (waiting: {_HELD[update.held]})" if update.held is not None else ""
            where = " on its server" if update.on_server else ""  # sent, waiting for the server to begin it
            self._line(f"job {job_id}: queued at position {update.position + 1}{where}{held}")
        elif isinstance(update, JobStarted):
            self._line(f"job {job_id}: started")
        elif self._tty:
            self._bar(update)
        else:
            self._plain_progress(job_id, update)

    def _bar(self, progress: JobProgress) -> None:
        if progress.step is not None and progress.steps:
            done = min(BAR_WIDTH, BAR_WIDTH * progress.step // progress.steps)
            bar = f"[{'#' * done}{'-' * (BAR_WIDTH - done)}] {progress.step}/{progress.steps}"
        else:
            bar = f"[{'.' * BAR_WIDTH}]"
        text = f"\r{bar} {progress.node[:30]:<30} {progress.elapsed_s:6.1f} s"
        self._stream.write(text)
        self._stream.flush()
        self._last_line = text

    def _plain_progress(self, job_id: int, progress: JobProgress) -> None:
        # One line per node and per tenth of its steps: readable in a log file, never a flood.
        tenth = 10 * progress.step // progress.steps if progress.step is not None and progress.steps else -1
        if (progress.node, tenth) == self._last_tenth:
            return
        self._last_tenth = (progress.node, tenth)
        steps = f" {progress.step}/{progress.steps}" if progress.step is not None and progress.steps else ""
        self._line(f"job {job_id}: {progress.node}{steps} ({progress.elapsed_s:.1f} s)")

    def _line(self, text: str) -> None:
        self._end_bar()
        self._stream.write(text + "\n")
        self._stream.flush()

    def _end_bar(self) -> None:
        if self._last_line:
            self._stream.write("\n")
            self._stream.flush()
            self._last_line = ""
