"""Reading a job's artifact files from the data directory, off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path, PurePath

from bot.ui.job_messages import OutgoingFile
from core.jobs.snapshots import ArtifactView


async def read_artifacts(data_dir: str | Path, artifacts: Sequence[ArtifactView]) -> list[OutgoingFile]:
    def read_all() -> list[OutgoingFile]:
        return [
            OutgoingFile(PurePath(a.path).name, (Path(data_dir) / a.path).read_bytes()) for a in artifacts
        ]

    return await asyncio.to_thread(read_all)
