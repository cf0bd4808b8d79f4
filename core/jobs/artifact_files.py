"""A job's artifact files read back from the data directory, off the event loop.

The one reader of artifact files: a recorded path leading outside the data directory (a tampered or foreign
row) is never followed; such a file, like one cleaned up since, counts as missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from db.snapshots import ArtifactView


class ArtifactFiles:
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir

    async def split_stored(
        self, artifacts: Sequence[ArtifactView]
    ) -> tuple[tuple[ArtifactView, ...], tuple[ArtifactView, ...]]:
        """(still on disk, gone): a data directory may have been cleaned up since."""
        return await asyncio.to_thread(self._split_stored, artifacts)

    async def read(self, artifacts: Sequence[ArtifactView]) -> list[tuple[str, bytes]]:
        """(file name, content) of each artifact, in order; FileNotFoundError if one is missing."""
        return await asyncio.to_thread(self._read, artifacts)

    def _located(self, artifact: ArtifactView) -> Path | None:
        root = self._data_dir.resolve()
        path = (root / artifact.path).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path

    def _split_stored(
        self, artifacts: Sequence[ArtifactView]
    ) -> tuple[tuple[ArtifactView, ...], tuple[ArtifactView, ...]]:
        stored = tuple(a for a in artifacts if self._located(a) is not None)
        return stored, tuple(a for a in artifacts if a not in stored)

    def _read(self, artifacts: Sequence[ArtifactView]) -> list[tuple[str, bytes]]:
        read = []
        for artifact in artifacts:
            path = self._located(artifact)
            if path is None:
                raise FileNotFoundError(
                    f"artifact {artifact.id} is not in the data directory: {artifact.path}"
                )
            read.append((path.name, path.read_bytes()))
        return read
