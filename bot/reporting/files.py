"""A job's artifact files as attachments to send."""

from __future__ import annotations

from collections.abc import Sequence

from bot.ui.job_messages import OutgoingFile
from core.jobs.artifact_files import ArtifactFiles
from core.jobs.snapshots import ArtifactView


async def read_artifacts(files: ArtifactFiles, artifacts: Sequence[ArtifactView]) -> list[OutgoingFile]:
    return [OutgoingFile(name, data) for name, data in await files.read(artifacts)]
