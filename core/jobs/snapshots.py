"""What the front-end sees of jobs: read-only snapshots and the words for their states.

The database's units of work make these snapshots (`db.snapshots`); the front-end takes them from here, so the
Discord side never imports the database.
"""

from core.kinds import JobKind
from db.enums import ArtifactType, DeliveryState, JobStatus, SafetyAction
from db.snapshots import ArtifactView, HistoryPage, JobView

__all__ = [
    "ArtifactType",
    "ArtifactView",
    "DeliveryState",
    "HistoryPage",
    "JobKind",
    "JobStatus",
    "JobView",
    "SafetyAction",
]
