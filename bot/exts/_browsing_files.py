"""Reading a job's artifacts back from DATA_DIR for /show, off the event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord

from bot.ui.uploads import typed_file
from core.jobs.snapshots import ArtifactView


def _located(data_dir: Path, artifact: ArtifactView) -> Path | None:
    """The artifact's file, if it exists and really lies inside DATA_DIR."""
    root = data_dir.resolve()
    path = (root / artifact.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _split_stored(
    data_dir: Path, artifacts: tuple[ArtifactView, ...]
) -> tuple[tuple[ArtifactView, ...], tuple[ArtifactView, ...]]:
    stored = {a.id for a in artifacts if _located(data_dir, a) is not None}
    return tuple(a for a in artifacts if a.id in stored), tuple(a for a in artifacts if a.id not in stored)


async def split_stored(
    data_dir: Path, artifacts: tuple[ArtifactView, ...]
) -> tuple[tuple[ArtifactView, ...], tuple[ArtifactView, ...]]:
    """(still on disk, gone) — a data directory may have been cleaned up since."""
    return await asyncio.to_thread(_split_stored, data_dir, artifacts)


def _read(data_dir: Path, artifacts: tuple[ArtifactView, ...]) -> list[tuple[str, bytes]]:
    read = []
    for artifact in artifacts:
        path = _located(data_dir, artifact)
        if path is not None:
            read.append((path.name, path.read_bytes()))
    return read


async def as_files(data_dir: Path, artifacts: tuple[ArtifactView, ...]) -> list[discord.File]:
    return [typed_file(name, data) for name, data in await asyncio.to_thread(_read, data_dir, artifacts)]
