"""The words the database stores for a job's status and delivery, an artifact's type and a policy.

A job's kind is not among them: kinds are registered by the application (core/kinds), and the column holds
any registered name.
"""

from __future__ import annotations

from enum import StrEnum


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


# A result not yet in its message: waiting for its delivery, or being delivered.
UNDELIVERED = (DeliveryState.PENDING, DeliveryState.DELIVERING)


class ArtifactType(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


class InputMedia(StrEnum):
    """What a job's input file is, as decoding it showed (not what its name said)."""

    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


class InputSource(StrEnum):
    """Where a job's input came from."""

    ATTACHMENT = "attachment"  # a file attached to the command
    RESULT = "result"  # a result of an earlier job (its buttons, a reaction, a reply to it)
    MESSAGE = "message"  # a message link in the same guild


class RegeneratePermission(StrEnum):
    """Who may press "regenerate" on a finished job."""

    ANYONE = "anyone"
    REQUESTER = "requester"


class SafetyMode(StrEnum):
    """What a guild does with a result its image classifier flags (core.safety.policy)."""

    OFF = "off"
    SPOILER = "spoiler"  # behind a spoiler outside age-restricted channels
    WITHHOLD_OUTSIDE_NSFW = "withhold_outside_nsfw"  # not shown outside age-restricted channels
    WITHHOLD = "withhold"  # not shown anywhere


class SafetyAction(StrEnum):
    """What was done with a flagged result."""

    SPOILERED = "spoilered"
    WITHHELD = "withheld"


class ModerationAction(StrEnum):
    """What happened to a request the moderation log records (core.moderation)."""

    REFUSED = "refused"  # the request was refused before anything was made (a guild's rule, a flagged input)
    WITHHELD = "withheld"  # a result was made and not shown (the image classifier)
    SPOILERED = "spoilered"  # a result was shown behind a spoiler (the image classifier)
