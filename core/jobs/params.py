"""A stored job's parameters, back in their typed form, with the seed the job was given."""

from __future__ import annotations

from typing import Any

from comfy.workflows.params import ImageParams, SongParams
from db.enums import JobKind
from db.snapshots import JobView


def params_of(job: JobView) -> ImageParams | SongParams:
    document: dict[str, Any] = dict(job.params)
    document["seed"] = job.seed
    if job.kind is JobKind.IMAGE:
        return ImageParams.model_validate(document)
    return SongParams.model_validate(document)
