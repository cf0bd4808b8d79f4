"""Valid inputs for new rows, with any field overridable."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from db.enums import JobStatus
from db.models import Job
from db.repositories import JobRepository


@dataclass(frozen=True)
class StoredDocument:
    """A job's parameters as db/ sees them in its own tests: the stored document, untyped (no kinds here)."""

    document: dict[str, Any]

    @property
    def seed(self) -> int | None:
        seed = self.document.get("seed")
        return seed if isinstance(seed, int) else None

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        return dict(self.document)


def read_document(kind: str, document: dict[str, Any]) -> StoredDocument:
    return StoredDocument(document)


GUILD_A = 100_000_000_000_000_001
GUILD_B = 100_000_000_000_000_002
ALICE = 200_000_000_000_000_001
BOB = 200_000_000_000_000_002
CHANNEL = 300_000_000_000_000_001


def job_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "guild_id": GUILD_A,
        "channel_id": CHANNEL,
        "user_id": ALICE,
        "kind": "image",
        "raw_input": "a lighthouse at dusk, oil painting",
        "params": {"prompt": "a lighthouse at dusk", "steps": 20, "cfg": 7.5},
        "workflow_name": "sdxl",
        "workflow_version": "3f2a9c",
        "seed": 42,
    }
    data.update(overrides)
    return data


def artifact_data(job_id: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "job_id": job_id,
        "type": "image",
        "path": f"artifacts/{job_id}/0.png",
        "preview_path": f"artifacts/{job_id}/0.webp",
        "mime_type": "image/png",
        "size_bytes": 12345,
        "sha256": hashlib.sha256(str(job_id).encode()).hexdigest(),
        "width": 1024,
        "height": 1024,
        "meta": {"seed": 42, "workflow": "sdxl"},
    }
    data.update(overrides)
    return data


async def claimed(jobs: JobRepository, job_id: int, worker_id: str, lease_until: datetime) -> bool:
    """Queued → running for `worker_id`, leased until `lease_until`, as the job store's claim leaves a job."""
    return await jobs.transition(
        job_id,
        [JobStatus.QUEUED],
        JobStatus.RUNNING,
        lease_owner=worker_id,
        lease_expires_at=lease_until,
        attempts=Job.attempts + 1,
    )
