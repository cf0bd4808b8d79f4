"""Per kind of job: how long one may run and how many one member may have running (videos: 30 min, one).

The operator's KIND_JOB_TIMEOUT_S / KIND_MAX_RUNNING_PER_USER win over what the kind says, which wins over the
general JOB_TIMEOUT_S and the guild's own cap (a kind's cap only ever narrows the guild's).
"""

from __future__ import annotations

from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.errors import UnknownWorkflow
from core.jobs.queue_settings import QueueSettings
from core.kinds import KindRegistry, UnknownKind
from db.snapshots import QueuedJob


class KindLimits:
    def __init__(self, kinds: KindRegistry, catalogue: WorkflowCatalogue, settings: QueueSettings) -> None:
        self._kinds = kinds
        self._catalogue = catalogue
        self._settings = settings

    def timeout_s(self, kind: str) -> float:
        return kind_timeout_s(self._kinds, self._settings, kind)

    def running_cap(self, kind: str) -> int | None:
        """How many jobs of ``kind`` one member may have running at once (None: only the guild's cap)."""
        if kind in self._settings.kind_running_caps:
            return self._settings.kind_running_caps[kind]
        try:
            return self._kinds.get(kind).max_running_per_user
        except UnknownKind:
            return None

    def cap_of(self, job: QueuedJob) -> tuple[str, int] | None:
        """(kind, cap) for a queued job whose kind limits its member's running jobs (the scheduler asks)."""
        try:
            kind = self._catalogue.get(job.workflow_name).kind
        except UnknownWorkflow:  # removed since it was queued: it will fail when bound, not wait here
            return None
        cap = self.running_cap(kind)
        return None if cap is None else (kind, cap)


def kind_timeout_s(kinds: KindRegistry, settings: QueueSettings, kind: str) -> float:
    """How long a job of ``kind`` may run: the operator's word for it, else the kind's, else the general."""
    if kind in settings.kind_timeouts_s:
        return settings.kind_timeouts_s[kind]
    try:
        own = kinds.get(kind).job_timeout_s
    except UnknownKind:
        own = None
    return own if own is not None else settings.job_timeout_s
