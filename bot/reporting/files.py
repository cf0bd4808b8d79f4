"""A job's artifact files as attachments to send, under the names people download them by."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ui.job_messages import OutgoingFile
from core.jobs.artifact_files import ArtifactFiles
from core.jobs.result_names import result_file_names
from core.jobs.snapshots import ArtifactView, JobView


async def read_artifacts(
    files: ArtifactFiles,
    job: JobView,
    artifacts: Sequence[ArtifactView],
    *,
    among: Sequence[ArtifactView] | None = None,
) -> list[OutgoingFile]:
    """``artifacts`` read from disk and named for their download; ``among``: all the job's files, when
    ``artifacts`` are a part of them (a file's number is its place in the whole job)."""
    names = result_file_names(job, artifacts if among is None else among)
    contents = await files.read(artifacts)
    return [OutgoingFile(names[a.id], data) for a, (_, data) in zip(artifacts, contents, strict=True)]
