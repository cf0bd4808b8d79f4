"""Keeping a job's inspected input: its bytes under DATA_DIR and its facts in the database, together.

Inspection (``inspect_input``) comes first and stores nothing, so a refused input leaves no trace; once the
job exists, ``keep_input`` writes the file and then its record, so a record never points at a missing file.
The file's name is fixed by the job, the slot and the content: trying again after a failed record rewrites
the same file instead of leaving a second one.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal, Protocol

from core.inputs.facts import InputFacts
from core.inputs.store import InputStore
from db.units.job_inputs import JobInputView

InputOrigin = Literal["attachment", "result", "message"]


class InputRecords(Protocol):
    """Where input facts are recorded (db.units.job_inputs.JobInputStore is one)."""

    async def record(self, data: dict[str, object]) -> JobInputView: ...


def input_record(
    *,
    job_id: int,
    role: str,
    path: PurePosixPath,
    facts: InputFacts,
    origin: InputOrigin,
    source_url: str | None = None,
    source_job_id: int | None = None,
) -> dict[str, object]:
    """The job_inputs record of an input kept at ``path`` (relative to DATA_DIR)."""
    return {
        "job_id": job_id,
        "role": role,
        "media": facts.kind.value,
        "mime_type": facts.mime,
        "size_bytes": facts.size,
        "sha256": facts.sha256,
        "width": facts.width,
        "height": facts.height,
        "duration_seconds": facts.duration_s,
        "path": path.as_posix(),
        "declared_name": facts.declared_name.replace("\x00", "")[:255],
        "source": origin,
        "source_url": source_url,
        "source_job_id": source_job_id,
    }


async def keep_input(
    files: InputStore,
    records: InputRecords,
    *,
    job_id: int,
    role: str,
    data: bytes,
    facts: InputFacts,
    origin: InputOrigin,
    source_url: str | None = None,
    source_job_id: int | None = None,
) -> JobInputView:
    """Keep one input of an existing job: the file first, then its record (its own transaction).

    A new job's inputs are kept inside the job's own transaction instead (core.jobs.input_intake)."""
    path = await files.save(job_id, role, data, facts)
    return await records.record(
        input_record(
            job_id=job_id,
            role=role,
            path=path,
            facts=facts,
            origin=origin,
            source_url=source_url,
            source_job_id=source_job_id,
        )
    )
