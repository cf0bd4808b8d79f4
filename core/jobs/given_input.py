"""The media a request brings (a picture to start from, a song to cover), as the front-end hands it over.

The front-end fetches the bytes (with a size cap) and says where they came from; nothing here is trusted
yet: ``JobService.submit`` inspects each input by decoding it before a job exists (see core.jobs.intake).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.inputs import InputKind
from core.inputs.intake import InputOrigin

# What a workflow slot takes: the loader behind "image" and "mask" reads pictures, "audio" sound files.
ROLE_MEDIA: dict[str, InputKind] = {
    "image": InputKind.IMAGE,
    "mask": InputKind.IMAGE,
    "audio": InputKind.AUDIO,
    "video": InputKind.VIDEO,
}


@dataclass(frozen=True, slots=True)
class GivenInput:
    # The workflow slot it fills ("image", "mask", "audio").
    role: str
    data: bytes = field(repr=False)
    # As the user named it: recorded and shown back, never used to decide what the file is.
    declared_name: str
    origin: InputOrigin
    # The attachment URL or message link it was fetched from.
    source_url: str | None = None
    # The job whose result it is (Vary, Upscale, Remix, a reply): the new job links back to it.
    source_job_id: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLE_MEDIA:
            raise ValueError(f"unknown input role {self.role!r} (known: {', '.join(ROLE_MEDIA)})")


def given_roles(inputs: Sequence[GivenInput]) -> tuple[str, ...]:
    """The roles a request brings, each once (two inputs for one slot is the caller's mistake)."""
    roles = tuple(given.role for given in inputs)
    if len(set(roles)) != len(roles):
        raise ValueError(f"a request brings one input per role, not {roles}")
    return roles


def source_job_of(inputs: Sequence[GivenInput]) -> int | None:
    """The earlier job a request is made from, if one of its inputs is that job's result."""
    return next((given.source_job_id for given in inputs if given.source_job_id is not None), None)
