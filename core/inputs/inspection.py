"""Inspect an input: size cap, then decode (a worker thread: decoding is CPU work) to learn what it is.

The checksum and the decoding both release the GIL, so the asynchronous :func:`inspect_input` runs them
on two worker threads at once: on a machine with a second core the checksum costs no time.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Collection

from core.inputs import facts
from core.inputs.facts import InputFacts, InputKind, InputLimits
from core.inputs.images import read_picture, refuse_heif
from core.inputs.recordings import read_recording


def _check_size(data: bytes, limits: InputLimits) -> None:
    if not data:
        raise facts.empty()
    if len(data) > limits.max_bytes:
        raise facts.too_large(limits.max_bytes, len(data))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _identify(
    data: bytes, declared_name: str, accepted: Collection[InputKind] | None, limits: InputLimits
) -> InputFacts:
    """What ``data`` decodes as, with its checksum left empty (filled in by the caller)."""
    picture = read_picture(data, limits)
    if picture is not None:
        found = InputFacts(
            InputKind.IMAGE, picture.mime, "", len(data), declared_name, picture.width, picture.height
        )
    else:
        refuse_heif(data, declared_name)
        recording = read_recording(data, limits)
        if recording is None:
            raise facts.not_media(declared_name, "neither Pillow nor FFmpeg recognised it")
        found = InputFacts(
            recording.kind,
            recording.mime,
            "",
            len(data),
            declared_name,
            recording.width,
            recording.height,
            recording.duration_s,
        )
    if accepted is not None and found.kind not in accepted:
        raise facts.wrong_kind(found.kind, next(iter(accepted)))
    return found


def _with_digest(found: InputFacts, digest: str) -> InputFacts:
    return InputFacts(
        found.kind, found.mime, digest, found.size, found.declared_name, found.width, found.height,
        found.duration_s,
    )  # fmt: skip


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
    return _with_digest(_identify(data, declared_name, accepted, limits), _digest(data))


async def inspect_input(
    data: bytes,
    declared_name: str,
    *,
    accepted: Collection[InputKind] | None = None,
    limits: InputLimits | None = None,
) -> InputFacts:
    """As :func:`inspect_input_sync`, off the event loop; an empty or too large file is refused at once."""
    limits = limits or InputLimits()
    _check_size(data, limits)
    digest = asyncio.ensure_future(asyncio.to_thread(_digest, data))
    try:
        found = await asyncio.to_thread(_identify, data, declared_name, accepted, limits)
    except BaseException:
        digest.cancel()  # a refusal does not wait for the checksum (the thread finishes on its own)
        raise
    return _with_digest(found, await digest)
