"""Inspect an input: size cap, then decode (a worker thread: decoding is CPU work) to learn what it is."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Collection

from core.inputs import facts
from core.inputs.facts import InputFacts, InputKind, InputLimits
from core.inputs.images import read_picture
from core.inputs.recordings import read_recording


def _check_size(data: bytes, limits: InputLimits) -> None:
    if not data:
        raise facts.empty()
    if len(data) > limits.max_bytes:
        raise facts.too_large(len(data), limits)


def inspect_input_sync(
    data: bytes,
    declared_name: str,
    *,
    accepted: Collection[InputKind] | None = None,
    limits: InputLimits | None = None,
) -> InputFacts:
    """What ``data`` is, found by decoding it (the declared name is only recorded); raises InputRefused."""
    limits = limits or InputLimits()
    _check_size(data, limits)
    digest = hashlib.sha256(data).hexdigest()
    picture = read_picture(data, limits)
    if picture is not None:
        found = InputFacts(
            InputKind.IMAGE, picture.mime, digest, len(data), declared_name, picture.width, picture.height
        )
    else:
        recording = read_recording(data, limits)
        if recording is None:
            raise facts.not_media(declared_name, "neither Pillow nor FFmpeg recognised it")
        found = InputFacts(
            recording.kind,
            recording.mime,
            digest,
            len(data),
            declared_name,
            recording.width,
            recording.height,
            recording.duration_s,
        )
    if accepted is not None and found.kind not in accepted:
        raise facts.wrong_kind(found.kind, next(iter(accepted)))
    return found


async def inspect_input(
    data: bytes,
    declared_name: str,
    *,
    accepted: Collection[InputKind] | None = None,
    limits: InputLimits | None = None,
) -> InputFacts:
    """As :func:`inspect_input_sync`, off the event loop; an empty or too large file is refused at once."""
    _check_size(data, limits or InputLimits())
    return await asyncio.to_thread(inspect_input_sync, data, declared_name, accepted=accepted, limits=limits)
