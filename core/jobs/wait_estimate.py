"""When will a queued job's result be ready: the jobs ahead of it, spread over the backends that can run them.

Each backend is busy for a while first (what is left of its running prompt plus the prompts already waiting
in its own queue); then the jobs ahead, in the order they will be served, each go to whichever capable
backend frees up first, the way the dispatcher hands them out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WaitingJob:
    job_id: int
    workflow: str


class WaitEstimate:
    def __init__(
        self,
        busy_s: Mapping[str, float],
        run_s: Callable[[str, str], float],
        backends_for: Callable[[str], frozenset[str] | set[str]],
    ) -> None:
        """`busy_s`: per backend, seconds until it can start another prompt; `run_s(workflow, backend)`."""
        self._busy_s = busy_s
        self._run_s = run_s
        self._backends_for = backends_for

    def ready_in_s(self, order: Sequence[WaitingJob]) -> dict[int, float]:
        """Seconds until each job's result, for jobs in the order they will be served."""
        free_at = dict(self._busy_s)
        ready: dict[int, float] = {}
        for job in order:
            able = [name for name in self._backends_for(job.workflow) if name in free_at]
            if not able:
                continue  # no backend can run it now: no honest estimate
            backend = min(able, key=lambda name: (free_at[name], name))
            free_at[backend] += self._run_s(job.workflow, backend)
            ready[job.job_id] = free_at[backend]
        return ready
