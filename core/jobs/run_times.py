"""How long a workflow takes on a backend, learned from the jobs it really ran.

Learned per (workflow, backend): a song and an image differ tenfold, and so do a GPU and a CPU backend. The
first run replaces the guess outright; later runs move the figure with a weight that never drops below
`_LATEST_WEIGHT`, so a backend that got faster (or slower) is followed within a few jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

_LATEST_WEIGHT = 0.3


@dataclass(frozen=True, slots=True)
class PastRun:
    """One finished job: which workflow ran where, and for how long (from its start to its result)."""

    workflow: str
    backend: str
    run_s: float


@dataclass(slots=True)
class _Learned:
    runs: int
    mean_s: float


class RunTimes:
    def __init__(self, guess_s: Callable[[str], float]) -> None:
        """`guess_s(workflow)` is used until the workflow has run anywhere."""
        self._guess_s = guess_s
        self._learned: dict[tuple[str, str], _Learned] = {}

    def observe(self, run: PastRun) -> None:
        if run.run_s <= 0:
            return
        key = (run.workflow, run.backend)
        learned = self._learned.get(key)
        if learned is None:
            self._learned[key] = _Learned(1, run.run_s)
            return
        learned.runs += 1
        weight = max(1 / learned.runs, _LATEST_WEIGHT)
        learned.mean_s += weight * (run.run_s - learned.mean_s)

    def learn_from(self, history: Iterable[PastRun]) -> int:
        """Replay finished jobs, oldest first (at start-up: what was learned survives a restart)."""
        count = 0
        for run in history:
            self.observe(run)
            count += 1
        return count

    def learned_s(self, workflow: str, backend: str) -> float | None:
        """What it takes on that backend, learned; None before it has run there."""
        learned = self._learned.get((workflow, backend))
        return None if learned is None else learned.mean_s

    def expected_s(self, workflow: str, backend: str | None = None) -> float:
        """On that backend if it has run there; else the mean over the backends it ran on; else the guess."""
        if backend is not None and (learned := self._learned.get((workflow, backend))) is not None:
            return learned.mean_s
        elsewhere = [v.mean_s for (w, _b), v in self._learned.items() if w == workflow]
        if elsewhere:
            return sum(elsewhere) / len(elsewhere)
        return self._guess_s(workflow)


def remaining_s(expected_s: float, elapsed_s: float, done_fraction: float | None) -> float:
    """What is left of a running job: its progress, trusted more the further it got, against its history."""
    if done_fraction is not None and 0 < done_fraction <= 1 and elapsed_s > 0:
        from_progress = elapsed_s / done_fraction
        total_s = done_fraction * from_progress + (1 - done_fraction) * max(expected_s, elapsed_s)
    else:
        total_s = max(expected_s, elapsed_s)
    return max(0.0, total_s - elapsed_s)
