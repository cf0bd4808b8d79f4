"""A rough wait estimate: how long jobs have been taking, times the jobs ahead, over the backends."""

from __future__ import annotations

from core.kinds import KindRegistry

_WEIGHT = 0.2  # exponential moving average: recent jobs count most


class EtaEstimator:
    def __init__(self, kinds: KindRegistry) -> None:
        # Each kind's own guess until jobs of it have been timed.
        self._run_s: dict[str, float] = {spec.kind: spec.typical_run_s for spec in kinds}

    def observe(self, kind: str, run_s: float) -> None:
        if run_s > 0:
            self._run_s[kind] = (1 - _WEIGHT) * self._run_s[kind] + _WEIGHT * run_s

    def eta_s(self, kind: str, position: int, backends: int) -> float:
        per_job = self._run_s[kind]
        return per_job * (position // max(1, backends) + 1)
