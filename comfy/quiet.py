"""Prompts sent quietly, and how they are known to have ended.

A prompt's frames go only to the client id it was posted with (ComfyUI's ``send_json`` drops a message for
a client id no socket has). Posted under an id no socket ever opens with, a prompt costs this process none of
the ~40 frames it would make (progress, node states, previews at every step, one per node); the socket only
gets the ``status`` every client is sent when the server's queue grows, starts one, or shrinks. The server
writes a prompt's history before it broadcasts the shrink (``PromptQueue.task_done``), so each shrink
reads the newest history entries, and the quiet runs found there end with them.

When the server holds no prompt but ours (it holds as many as we have in flight), the oldest of ours is the
one it runs: ComfyUI takes prompts in the order posted. A quiet run is told it started then, so a job behind
it hears it is next, not that one of ours waits before it. With other clients' prompts there it is not known
until its end.

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
from comfy import errors, events, protocol
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
        backend: str,
    ) -> None:
        self._http = http
        self._runs = runs
        self._backend = backend
        self._reader = OneAtATime(self._read, tasks, name=f"comfy-quiet-{backend}")
        self._last_read: frozenset[str] = frozenset()  # its prompt ids: the next read must overlap them
        self.reads = 0  # GET /history requests made: one a shrink while quiet runs wait
        self._remaining = 0
        self._shrunk_by = 0  # since the last read was sent

    def queue_changed(self, before: int, after: int) -> None:
        """A ``status`` broadcast: ``queue_remaining`` went from ``before`` to ``after``."""
        self._remaining = after
        # A read under way may have been sent before this prompt's history was written: it reads once more.
        if after < before and (self._reader.running or any(_from_history(run) for run in self._runs())):
            self._shrunk_by += before - after
            self._reader.ask()
        elif not self._reader.running:  # during a read a run that ended still counts: it tells after
            self._tell_started()

    def _tell_started(self) -> None:
        """Tell the oldest quiet run it started if every prompt the server holds is ours. Only on a status:
        a POST is answered before the status of its own put is sent (ComfyUI publishes those from a queue of
        its own), so a count taken at the answer may be one short and match another client's prompt."""
        in_flight = [run for run in self._runs() if not run.done]
        if not in_flight or len(in_flight) != self._remaining:
            return
        if any(not run.accepted or run.frames_missed for run in in_flight):
            return  # a POST not answered yet, or a run that may have ended unseen: the count proves nothing
        oldest = in_flight[0]  # the runs are kept in the order posted
        # Not run.started, which says the server told so: cancel and reconcile count on that.
        if oldest.quiet and not oldest.start_told:
            oldest.start_told = True
            oldest.push(events.Started(oldest.prompt_id))

    async def _read(self) -> None:
        if await self._settle() and self._shrunk_by == 0:  # else another read follows: it tells
            self._tell_started()

    async def _settle(self) -> bool:
        """Finish the runs found ended; False if history could not be read."""
        waiting = [run for run in self._runs() if _from_history(run)]
        if not waiting:
            self._shrunk_by = 0
            return True
        self.reads += 1
        max_items, self._shrunk_by = self._shrunk_by + _MARGIN, 0
        try:
            entries = await self._http.recent_history(max_items)
        except errors.ComfyError as exc:
            # The next shrink reads again; the silence watch polls the run if none comes.
            log.warning("%s: history unreadable after its queue shrank: %s", self._backend, exc.detail)
            return False
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
            # may be ours, and every later read takes only the newest. Look up each run no longer queued.
            await self._look_up(unfound)
        return True

    async def _look_up(self, runs: list[PromptRun]) -> None:
        try:
            snapshot = await self._http.queue()
            for run in runs:
                if run.done or snapshot.state(run.prompt_id) != "absent":
                    continue
                entry = await self._http.history(run.prompt_id)
                outcome = protocol.outcome_from_history(run.prompt_id, entry) if entry is not None else None
                if outcome is not None:
                    run.finish(outcome)
        except errors.ComfyError as exc:
            log.warning(
                "%s: cannot look up quiet prompts after their queue shrank: %s", self._backend, exc.detail
            )
