"""Prompts sent quietly, and how they are known to have ended.

A prompt's frames go only to the client id it was posted with (ComfyUI's ``send_json`` drops a message for
a client id no socket has). Posted under an id no socket ever opens with, a prompt costs this process none of
the ~40 frames it would make (progress, node states, previews at every step, one per node); the socket only
gets the ``status`` every client is sent when the server's queue grows, starts one, or shrinks. The server
writes a prompt's history before it broadcasts the shrink (``PromptQueue.task_done``), so each shrink
reads the newest history entries, and the quiet runs found there end with them.

A quiet run is never told it started: when the server also holds other clients' prompts, whether it runs or
waits is not known without a GET /queue (their graphs included) a prompt. Its start is taken from its
history's timestamps at its end (events.Completed.run_s).

For prompts over before their progress could be shown at all (the caller decides which): their frames would
be most of the CPU this process spends on them, and show nobody anything. A shrink missed (the socket
dropped, or more prompts of other clients ended in between than the read takes in) is made up for by the
reconnect's reconciling and by the client's silence watch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from background.one_at_a_time import OneAtATime
from background.tasks import BackgroundTasks
from comfy import errors, protocol
from comfy.reconcile import Reconciler
from comfy.run import PromptRun
from comfy.transport import HttpTransport

log = logging.getLogger(__name__)

# Each read takes in as many entries as prompts ended since the last one (the shrinks counted), and these
# more: prompts of other clients that end after the read is sent but before the server answers it.
_MARGIN = 2


def quiet_client_id(client_id: str) -> str:
    """The id quiet prompts are posted with: no socket of ours ever connects with it."""
    return f"{client_id}.quiet"


def _from_history(run: PromptRun) -> bool:
    """Posted quietly, or may have missed frames (attached after a restart, perhaps quiet before it)."""
    return (run.quiet or run.frames_missed) and not run.done


class QuietRuns:
    def __init__(
        self,
        http: HttpTransport,
        runs: Callable[[], Iterable[PromptRun]],
        tasks: BackgroundTasks,
        *,
        reconciler: Reconciler,
        backend: str,
    ) -> None:
        self._http = http
        self._runs = runs
        self._reconciler = reconciler
        self._backend = backend
        self._reader = OneAtATime(self._settle, tasks, name=f"comfy-quiet-{backend}")
        self._last_read: frozenset[str] = frozenset()  # its prompt ids: the next read must overlap them
        self.reads = 0  # GET /history requests made: one a shrink while quiet runs wait
        self._shrunk_by = 0  # since the last read was sent

    def queue_changed(self, before: int, after: int) -> None:
        """A ``status`` broadcast: ``queue_remaining`` went from ``before`` to ``after``."""
        # A read under way may have been sent before this prompt's history was written: it reads once more.
        if after < before and (self._reader.running or any(_from_history(run) for run in self._runs())):
            self._shrunk_by += before - after
            self._reader.ask()

    async def _settle(self) -> None:
        """Finish the runs found ended."""
        waiting = [run for run in self._runs() if _from_history(run)]
        if not waiting:
            self._shrunk_by = 0
            return
        self.reads += 1
        max_items, self._shrunk_by = self._shrunk_by + _MARGIN, 0
        try:
            entries = await self._http.recent_history(max_items)
        except errors.ComfyError as exc:
            # The next shrink reads again; the silence watch polls the run if none comes.
            log.warning("%s: history unreadable after its queue shrank: %s", self._backend, exc.detail)
            return
        for run in waiting:
            entry = entries.get(run.prompt_id)
            outcome = protocol.outcome_from_history(run.prompt_id, entry) if entry is not None else None
            if outcome is not None:
                run.finish(outcome)
        gap = len(entries) >= max_items and self._last_read.isdisjoint(entries)
        self._last_read = frozenset(entries)
        unfound = [run for run in waiting if not run.done]
        if unfound and gap:
            # More prompts ended since the last read than this one took in: an entry older than its oldest
            # may be ours, and every later read takes only the newest. Settle each run no longer queued, as
            # the silence watch would later.
            await self._reconciler.reconcile(unfound, after_reconnect=False)
