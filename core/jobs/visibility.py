"""Who may see a job through /history, /show and the result lookups (managers see every job)."""

from __future__ import annotations

from core.jobs.policy import Requester
from db.enums import SafetyAction
from db.snapshots import JobView


def visible_to(job: JobView, viewer: Requester | None) -> bool:
    """Deleted results, others' private ones and results the content settings hold back are for managers
    only (a `viewer` of None is the bot itself)."""
    if viewer is None or viewer.is_manager:
        return True
    if job.safety_action is SafetyAction.WITHHELD:
        return False
    return job.deleted_at is None and (not job.private or job.user_id == viewer.user_id)
