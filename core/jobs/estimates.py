"""The wait a queued job is told: learned run times, the backends' current work, and the order of service.

Ties `RunTimes` (what each workflow takes on each backend, from real runs) and `WaitEstimate` (jobs spread
over the backends in the order they will be served) to what the dispatcher knows right now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.jobs.run_times import PastRun, RunTimes, remaining_s
from core.jobs.wait_estimate import WaitEstimate, WaitingJob


@dataclass(frozen=True, slots=True)
class PromptOnBackend:
    """One of our prompts a backend holds: running (with its elapsed time and progress) or waiting there."""

    backend: str
    workflow: str
    running: bool
    elapsed_s: float = 0.0
    done_fraction: float | None = None
    job_id: int = 0


class Estimates:
    def __init__(self, guess_s: Callable[[str], float]) -> None:
        self.run_times = RunTimes(guess_s)

    def finished(self, workflow: str, backend: str, run_s: float) -> None:
        self.run_times.observe(PastRun(workflow, backend, run_s))

    def busy_s(self, backends: Iterable[str], prompts: Iterable[PromptOnBackend]) -> dict[str, float]:
        """Per backend that can take work: seconds until it can start one more prompt."""
        busy = dict.fromkeys(backends, 0.0)
        for prompt in prompts:
            if prompt.backend not in busy:
                continue
            expected = self.run_times.expected_s(prompt.workflow, prompt.backend)
            if prompt.running:
                busy[prompt.backend] += remaining_s(expected, prompt.elapsed_s, prompt.done_fraction)
            else:
                busy[prompt.backend] += expected
        return busy

    def sent_ready_in_s(self, prompts: Iterable[PromptOnBackend]) -> dict[int, tuple[int, float]]:
        """For our prompts waiting in a backend's own queue (in the order sent, which is the order it runs
        them): how many wait before each there, and seconds until each one's result."""
        clock: dict[str, float] = {}
        ahead: dict[str, int] = {}
        waiting: list[PromptOnBackend] = []
        for prompt in prompts:
            expected = self.run_times.expected_s(prompt.workflow, prompt.backend)
            if prompt.running:
                left = remaining_s(expected, prompt.elapsed_s, prompt.done_fraction)
                clock[prompt.backend] = clock.get(prompt.backend, 0.0) + left
            else:
                waiting.append(prompt)
        ready: dict[int, tuple[int, float]] = {}
        for prompt in waiting:
            at = clock.get(prompt.backend, 0.0) + self.run_times.expected_s(prompt.workflow, prompt.backend)
            clock[prompt.backend] = at
            ready[prompt.job_id] = (ahead.get(prompt.backend, 0), at)
            ahead[prompt.backend] = ahead.get(prompt.backend, 0) + 1
        return ready

    def ready_in_s(
        self,
        order: Sequence[WaitingJob],
        busy_s: Mapping[str, float],
        backends_for: Callable[[str], frozenset[str] | set[str]],
    ) -> dict[int, float]:
        """Seconds until each queued job's result, for jobs in the order they will start."""
        return WaitEstimate(busy_s, self.run_times.expected_s, backends_for).ready_in_s(order)
