"""A running job whose ComfyUI server went away: what the member is told, and the clock that keeps counting.

The job is not lost: the dispatcher runs it again, there or on another server. The member hears so the moment
the server's connection drops (not after the reconnect back-off), and the Elapsed time counts the whole job,
not only its latest attempt.
"""

from __future__ import annotations

import asyncio

from comfy import errors
from core.jobs.updates import JobSetback, Setback


class JobClocks:
    """When each job first started on a server (loop time), kept across its attempts in this process."""

    def __init__(self) -> None:
        self._first_start: dict[int, float] = {}

    def started(self, job_id: int, *, at: float | None = None) -> float:
        """The job started (again) `at` (loop time, now if not given): the elapsed time of the whole job."""
        now = asyncio.get_running_loop().time()
        return now - self._first_start.setdefault(job_id, now if at is None else at)

    def first_start(self, job_id: int) -> float | None:
        return self._first_start.get(job_id)

    def elapsed_s(self, job_id: int) -> float:
        first = self._first_start.get(job_id)
        return 0.0 if first is None else asyncio.get_running_loop().time() - first

    def forget(self, job_id: int) -> None:
        """The job ended (or was handed to another worker): nothing more to count."""
        self._first_start.pop(job_id, None)


def server_lost(error: errors.ComfyError, *, elapsed_s: float, other_server: bool) -> JobSetback:
    """What to tell about a job whose prompt its server no longer holds (it will run again)."""
    setback = Setback.SERVER_RESTARTED if isinstance(error, errors.PromptLost) else Setback.SERVER_GONE
    return JobSetback(setback, elapsed_s, other_server=other_server)
