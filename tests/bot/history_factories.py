"""JobView and ArtifactView values for the /history, /queue and /settings rendering tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core.jobs.snapshots import ArtifactView, JobView
from core.kinds import IMAGE, default_kinds
from db.enums import ArtifactType, DeliveryState, JobStatus

QUEUED_AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def a_job(job_id: int = 7, **changes: Any) -> JobView:
    values: dict[str, Any] = {
        "id": job_id,
        "guild_id": 1,
        "channel_id": 2,
        "user_id": 3,
        "kind": IMAGE,
        "raw_input": "a red fox --ar 16:9",
        "params": {"prompt": "a red fox", "aspect_ratio": "16:9", "style_tags": ["anime", "ink"], "count": 1},
        "workflow_name": "txt2img",
        "seed": 42,
        "status": JobStatus.SUCCEEDED,
        "error_message": None,
        "attempts": 1,
        "prompt_id": None,
        "backend_url": None,
        "queued_at": QUEUED_AT,
        "started_at": QUEUED_AT + timedelta(seconds=1),
        "finished_at": QUEUED_AT + timedelta(seconds=5.5),
        "response_message_id": 99,
        "channel_message_id": None,
        "parent_id": None,
        "delivery_state": DeliveryState.DELIVERED,
    }
    if changes.get("kind", IMAGE) != IMAGE and "params" not in changes:
        values["params"] = {}  # another kind's parameters, all left to their defaults
    values.update(changes)
    # Parameters as stored (a document with the seed inside), read back typed by the job's kind.
    values["params"] = default_kinds().parse(values["kind"], {**values["params"], "seed": values.pop("seed")})
    return JobView(**values)


def an_artifact(artifact_id: int = 1, size_bytes: int = 1000, **changes: Any) -> ArtifactView:
    values: dict[str, Any] = {
        "id": artifact_id,
        "job_id": 7,
        "type": ArtifactType.IMAGE,
        "path": f"jobs/7/out_{artifact_id}.png",
        "mime_type": "image/png",
        "size_bytes": size_bytes,
        "sha256": "0" * 64,
        "width": 512,
        "height": 288,
        "duration_s": None,
        "metadata": {},
        "message_id": None,
        "attachment_url": None,
    }
    values.update(changes)
    return ArtifactView(**values)
