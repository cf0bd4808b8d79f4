"""The words the database stores for a job's kind, status and delivery, an artifact's type and a policy."""

from __future__ import annotations

from enum import StrEnum


class JobKind(StrEnum):
    IMAGE = "image"
    SONG = "song"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_active(self) -> bool:
        return self in ACTIVE_STATUSES

    @property
    def is_final(self) -> bool:
        return not self.is_active


ACTIVE_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"


class ArtifactType(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"


class RegeneratePermission(StrEnum):
    """Who may press "regenerate" on a finished job."""

    ANYONE = "anyone"
    REQUESTER = "requester"
