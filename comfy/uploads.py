"""Input files put on a backend with ``POST /upload/image``: the name rules and the server's answer.

ComfyUI 0.3.64 keeps the file under ``input/<subfolder>/<name>``. A taken name with the same content keeps
its name (nothing is written); a different content is renamed ``"name (1).png"`` unless ``overwrite``. So
the name to put into a workflow is always the one the server answers, never the one sent. Loader nodes
(``LoadImage``, ``LoadAudio``) accept a file in a subfolder as ``"<subfolder>/<name>"``, which lets a caller
keep each job's inputs apart (one subfolder per job) without inventing unique file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from comfy import errors

UploadType = Literal["input", "temp", "output"]
_TYPES: tuple[UploadType, ...] = ("input", "temp", "output")

# The server joins the name to its folder and refuses (400) or crashes on (500) names with separators or
# "..": a caller's mistake, so it is refused before anything is sent. Non-ASCII names are left out on
# purpose too: aiohttp percent-encodes them and the server keeps the encoded form.
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9 _.()+-]{0,199}$")
_SAFE_SUBFOLDER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}){0,3}$")


def check_upload_name(filename: str, subfolder: str) -> None:
    """Raise ValueError for a name or subfolder the server would refuse or store somewhere else."""
    if not _SAFE_NAME.match(filename) or ".." in filename:
        raise ValueError(f"upload name {filename!r} must match {_SAFE_NAME.pattern} without '..'")
    if subfolder and (not _SAFE_SUBFOLDER.match(subfolder) or ".." in subfolder):
        raise ValueError(f"upload subfolder {subfolder!r} must match {_SAFE_SUBFOLDER.pattern}")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """Where the backend keeps an uploaded file, as it answered."""

    name: str
    subfolder: str
    type: UploadType

    @property
    def reference(self) -> str:
        """The value for a loader's file input (``LoadImage.image``, ``LoadAudio.audio``)."""
        path = f"{self.subfolder}/{self.name}" if self.subfolder else self.name
        # ComfyUI's annotated names: a loader reads input/ unless the name ends in " [output]" or " [temp]".
        return path if self.type == "input" else f"{path} [{self.type}]"

    @classmethod
    def parse(cls, answer: Any) -> UploadedFile:
        """The JSON answer of ``POST /upload/image``: ``{"name", "subfolder", "type"}``."""
        if not isinstance(answer, dict):
            raise errors.UnexpectedResponse(f"POST /upload/image answered {answer!r}")
        name, subfolder, kind = answer.get("name"), answer.get("subfolder", ""), answer.get("type")
        if not isinstance(name, str) or not name or not isinstance(subfolder, str) or kind not in _TYPES:
            raise errors.UnexpectedResponse(f"POST /upload/image answered {answer!r}")
        upload_type: UploadType = kind
        return cls(name, subfolder, upload_type)
