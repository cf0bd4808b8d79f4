"""Prompts sent quietly, and how they are known to have ended.

A prompt's frames go only to the client id it was posted with (ComfyUI's ``send_json`` drops a message for
a client id no socket has). Posted under an id no socket ever opens with, a prompt costs this process none of
the ~40 frames it would make (progress, node states, previews at every step, one per node); the socket only
gets the ``status`` every client is sent when the server's queue grows, starts one, or shrinks. The server
writes a prompt's history before it broadcasts the shrink (``PromptQueue.task_done``), so each shrink
reads the newest history entries, and the quiet runs found there end with them.

For prompts over before their progress could be shown at all (the caller decides which): their frames would
be most of the CPU this process spends on them, and show nobody anything. A shrink missed (the socket
dropped, or more prompts of other clients ended in between than the read takes in) is made up for by the
reconnect's reconciling and by the client's silence watch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from background.tasks import BackgroundTasks
from comfy import errors, protocol
from comfy.run import PromptRun
from comfy.transport import HttpTransport

log = logging.getLogger(__name__)

# Read beyond our own quiet runs: prompts of other clients that ended between the shrink and the read.
_OTHERS_MARGIN = 4


def quiet_client_id(client_id: str) -> str:
    """The id quiet prompts are posted with: no socket of ours ever connects with it."""
    return f"{client_id}.quiet"


class QuietRuns:
    def __init__(
        self,
        http: HttpTransport,
        runs: Callable[[], Iterable[PromptRun]],
        tasks: BackgroundTasks,
        *,
        backend: str,
    ) -> None:
        self._http = http
        self._runs = runs
        self._tasks = tasks
        self._backend = backend
        self._reading = False
        self._read_again = False
        self.reads = 0  # GET /history requests made: one a shrink while quiet runs wait

    def queue_changed(self, before: int, after: int) -> None:
        """A ``status`` broadcast: ``queue_remaining`` went from ``before`` to ``after``."""
        if after >= before:
            return
        if self._reading:  # the read under way may have been sent before this prompt's history was written
            self._read_again = True
        elif any(run.quiet and not run.done for run in self._runs()):
            self._reading = True
            self._tasks.spawn(self._read_until_current(), name=f"comfy-quiet-{self._backend}")

    async def _read_until_current(self) -> None:
        try:
            while True:
                self._read_again = False
                await self._settle()
                if not self._read_again:
                    return
        finally:
            self._reading = False

    async def _settle(self) -> None:
        waiting = [run for run in self._runs() if run.quiet and not run.done]
        if not waiting:
            return
        self.reads += 1
        try:
            entries = await self._http.recent_history(len(waiting) + _OTHERS_MARGIN)
        except errors.ComfyError as exc:
            # The next shrink reads again; the silence watch polls the run if none comes.
            log.warning("%s: history unreadable after its queue shrank: %s", self._backend, exc.detail)
            return
        for run in waiting:
            entry = entries.get(run.prompt_id)
            outcome = protocol.outcome_from_history(run.prompt_id, entry) if entry is not None else None
            if outcome is not None:
                run.finish(outcome)
