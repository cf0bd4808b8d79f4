"""The files a job delivers: what its workflow saved, as its kind wants them delivered (videos as MP4)."""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from comfy.artifacts import DownloadedOutput
from core.kinds.spec import KindSpec
from db.enums import ArtifactType


@dataclass(frozen=True, slots=True)
class Deliverable:
    path: PurePosixPath  # relative to the data dir
    mime: str
    size: int

    @property
    def type(self) -> ArtifactType:
        if self.mime.startswith("image/"):
            return ArtifactType.IMAGE
        if self.mime.startswith("video/"):
            return ArtifactType.VIDEO
        return ArtifactType.AUDIO


async def deliverables(
    spec: KindSpec[Any], data_dir: Path, saved: Sequence[DownloadedOutput], metadata: Mapping[str, Any]
) -> list[Deliverable]:
    """``saved`` as delivered: untouched, or through the kind's ``deliverables`` in a worker thread."""
    as_saved = [
        Deliverable(item.path, item.mime.split(";")[0].strip() or "application/octet-stream", item.size)
        for item in saved
    ]
    if spec.deliverables is None or not saved:
        return as_saved
    make = spec.deliverables
    paths = await asyncio.to_thread(make, [data_dir / Path(item.path) for item in saved], metadata)
    known = {data_dir / Path(item.path): item for item in as_saved}
    return [known.get(path) or await _described(data_dir, path) for path in paths]


async def _described(data_dir: Path, path: Path) -> Deliverable:
    size = (await asyncio.to_thread(path.stat)).st_size
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Deliverable(PurePosixPath(path.relative_to(data_dir).as_posix()), mime, size)
