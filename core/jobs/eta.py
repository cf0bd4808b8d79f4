"""A rough wait estimate: how long jobs have been taking, times the jobs ahead, over the backends."""

from __future__ import annotations

from db.enums import JobKind

_DEFAULT_RUN_S = {JobKind.IMAGE: 20.0, JobKind.SONG: 60.0}
_WEIGHT = 0.2  # exponential moving average: recent jobs count most


class EtaEstimator:
    def __init__(self) -> None:
        self._run_s = dict(_DEFAULT_RUN_S)

    def observe(self, kind: JobKind, run_s: float) -> None:
        if run_s > 0:
            self._run_s[kind] = (1 - _WEIGHT) * self._run_s[kind] + _WEIGHT * run_s

    def eta_s(self, kind: JobKind, position: int, backends: int) -> float:
        per_job = self._run_s[kind]
        return per_job * (position // max(1, backends) + 1)
