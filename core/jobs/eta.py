"""The first guess of a workflow's run time, before it has run anywhere: its kind's typical run time.

After that, `core.jobs.estimates` learns from the real run times, per workflow and backend.
"""

from __future__ import annotations

from collections.abc import Callable

from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.errors import UnknownWorkflow
from core.kinds import KindRegistry
from core.kinds.registry import UnknownKind

_UNKNOWN_S = 20.0  # a workflow no longer in the catalogue (it was removed while jobs waited for it)


def typical_run_s(kinds: KindRegistry, catalogue: WorkflowCatalogue) -> Callable[[str], float]:
    def guess(workflow: str) -> float:
        try:
            return kinds.get(catalogue.get(workflow).kind).typical_run_s
        except (UnknownWorkflow, UnknownKind):
            return _UNKNOWN_S

    return guess
