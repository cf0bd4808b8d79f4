"""Putting a job's inspected input on the backend that runs it, under a name that belongs to that job.

The name comes from the job and the content (``bot-job-<id>/<role>-<sha256 prefix>.<extension of the decoded
type>``), never from what the user called the file. It is the same on every backend and after a ComfyUI
restart, so uploading again before each (re)submission is idempotent and the posted graph stays valid;
overwrite makes that true even if a stale file sits under the name.
"""

from __future__ import annotations

import re
from typing import Protocol

from comfy.uploads import UploadedFile
from core.inputs.facts import InputFacts

EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif", "image/bmp": "bmp",
    "image/avif": "avif",
    "audio/mpeg": "mp3", "audio/wav": "wav", "audio/flac": "flac", "audio/ogg": "ogg", "audio/aiff": "aiff",
    "audio/mp4": "m4a", "audio/webm": "webm", "video/mp4": "mp4", "video/webm": "webm", "video/ogg": "ogv",
}  # fmt: skip
_ROLE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class Uploader(Protocol):
    """What staging needs of a backend (comfy.client.ComfyClient is one)."""

    async def upload(
        self, filename: str, data: bytes, *, subfolder: str = "", overwrite: bool = False
    ) -> UploadedFile: ...


def staged_location(job_id: int, role: str, facts: InputFacts) -> tuple[str, str]:
    """(subfolder, file name) of a job's input; ``role`` names the workflow slot ("image", "audio")."""
    if not _ROLE.match(role):
        raise ValueError(f"input role {role!r} must match {_ROLE.pattern}")
    return f"bot-job-{job_id}", f"{role}-{facts.sha256[:16]}.{EXTENSIONS[facts.mime]}"


async def stage_input(uploader: Uploader, job_id: int, role: str, data: bytes, facts: InputFacts) -> str:
    """Upload ``data`` (already inspected into ``facts``) and return the loader's file reference."""
    subfolder, name = staged_location(job_id, role, facts)
    uploaded = await uploader.upload(name, data, subfolder=subfolder, overwrite=True)
    return uploaded.reference
