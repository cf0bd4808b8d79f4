"""Before each post of a job to a backend, its kept inputs go to that backend and its graph points at them.

The stored graph keeps the binding's markers ("bot-input:<role>"), never a backend's file name: the first
post, a move to another backend and a resubmission after ComfyUI restarted all upload the kept files to the
backend about to run the job, then post a copy of the graph with the markers resolved to the names that
backend answered. A job whose graph marks no slot costs nothing here (no database read).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any, Protocol

from comfy import errors
from comfy.workflows.input_slots import marked_roles, resolve_input_markers
from core.inputs import InputFacts, InputKind, stage_input
from core.inputs.staging import Uploader
from core.inputs.store import InputMissing, InputStore
from core.jobs import failure_texts
from db.units.job_inputs import JobInputView

# Said to the member when a kept input is gone from the data folder (it cannot be fetched again).
INPUT_GONE = failure_texts.INPUT_GONE


class KeptInputs(Protocol):
    """Where a job's input records are read (db.units.job_inputs.JobInputStore is one)."""

    async def for_job(self, job_id: int) -> tuple[JobInputView, ...]: ...


def facts_of(kept: JobInputView) -> InputFacts:
    """The inspected facts as recorded when the job was created."""
    return InputFacts(
        InputKind(kept.media.value), kept.mime_type, kept.sha256, kept.size_bytes, kept.declared_name,
        kept.width, kept.height, kept.duration_seconds,
    )  # fmt: skip


class InputStaging:
    def __init__(self, files: InputStore, records: KeptInputs) -> None:
        self._files = files
        self._records = records

    async def graph_for(self, job_id: int, graph: Mapping[str, Any], backend: Uploader) -> Mapping[str, Any]:
        """The graph to post on ``backend``: ``graph`` itself if it takes no input, else a copy whose
        markers name the files just uploaded there. Raises InputMissing (a kept file is gone or altered)
        or comfy's errors from the upload (UploadRejected: the backend refused the file)."""
        roles = marked_roles(graph)
        if not roles:
            return graph
        kept = {row.role: row for row in await self._records.for_job(job_id)}
        references: dict[str, str] = {}
        for role in sorted(roles):
            row = kept.get(role)
            if row is None:
                raise InputMissing(f"job {job_id} marks a {role!r} input but none was kept")
            data = await self._files.load(PurePosixPath(row.path), row.sha256)
            references[role] = await stage_input(backend, job_id, role, data, facts_of(row))
        return resolve_input_markers(graph, references)


def as_backend_failure(error: errors.ComfyError) -> errors.ComfyError:
    """An upload that failed for the backend's sake (down, 5xx, timeout, a strange answer) is the backend
    failing: the job moves on like a lost prompt. A refusal of the file itself (400/413) stays what it is."""
    if isinstance(error, errors.UploadRejected | errors.BackendUnavailable):
        return error
    return errors.BackendUnavailable(f"input upload failed: {error.detail}")
