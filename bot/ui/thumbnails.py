"""Small pictures of past results for /history's gallery, made from the files the bot kept.

Made from the stored artifact rather than linked to the result's Discord attachment: that attachment is
gone when its message was deleted, and a page of ten full-size images would be a slow upload.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Sequence

from PIL import Image, UnidentifiedImageError

from background.log_context import log_context
from bot.ui.rendering import OutgoingFile
from core.jobs.artifact_files import ArtifactFiles
from core.jobs.snapshots import ArtifactView

log = logging.getLogger(__name__)

THUMBNAIL_SIDE = 320
_QUALITY = 80


def thumbnail_name(job_id: int) -> str:
    return f"job-{job_id}.jpg"


async def page_thumbnails(files: ArtifactFiles, images: Sequence[ArtifactView]) -> list[OutgoingFile]:
    """One thumbnail per image still on disk (named after its job); the others are left out."""
    stored, _missing = await files.split_stored(images)
    contents = await files.read(stored)
    pairs = [(artifact.job_id, data) for artifact, (_, data) in zip(stored, contents, strict=True)]
    return await asyncio.to_thread(_make_all, pairs)


def _make_all(images: Sequence[tuple[int, bytes]]) -> list[OutgoingFile]:
    made = []
    for job_id, data in images:
        try:
            made.append(OutgoingFile(thumbnail_name(job_id), _thumbnail(data)))
        except (OSError, UnidentifiedImageError, ValueError) as error:
            with log_context(job_id=job_id):
                log.warning("no thumbnail for its image (%s)", error)
    return made


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=_QUALITY, optimize=True)
    return buffer.getvalue()
