"""A quick look at an input before anyone answers: what its header says it is, without decoding it.

The front-end sniffs a file the moment it has it, so that the refusals people meet most (not a picture, a
picture with a bomb's dimensions, a song that is no recording, the wrong kind) are answered privately before
Discord's answer is due; the job service's :func:`~core.inputs.inspect_input` still decodes every byte
before a job exists (a damaged file is caught there). A header look costs microseconds to a few
milliseconds, where decoding a 10 MB picture costs about a hundred.
"""

from __future__ import annotations

from collections.abc import Collection

import av
from PIL import Image

from core.inputs import facts
from core.inputs.facts import InputKind, InputLimits
from core.inputs.images import IMAGE_MIMES, refuse_heif
from core.inputs.images import _open as open_picture
from core.inputs.recordings import CONTAINERS, _is_cover_art
from core.inputs.recordings import _open as open_recording


def _picture_kind(data: bytes, limits: InputLimits) -> InputKind | None:
    try:
        image = open_picture(data)
    except Image.DecompressionBombError as exc:
        raise facts.too_many_pixels(None, None, limits) from exc
    if image is None:
        return None
    with image:
        width, height = image.size
        if str(image.format) not in IMAGE_MIMES:
            return None
        if width * height > limits.max_pixels:
            raise facts.too_many_pixels(width, height, limits)
    return InputKind.IMAGE


def _recording_kind(data: bytes, limits: InputLimits) -> InputKind | None:
    container = open_recording(data)
    if container is None:
        return None
    with container:
        videos = [s for s in container.streams.video if not _is_cover_art(s)]
        if container.format.name not in CONTAINERS or not (videos or container.streams.audio):
            return None
        if container.duration and container.duration / av.time_base > limits.max_seconds:
            raise facts.too_long(container.duration / av.time_base, limits)
        return InputKind.VIDEO if videos else InputKind.AUDIO


def sniff_input(
    data: bytes,
    declared_name: str,
    *,
    accepted: Collection[InputKind] | None = None,
    limits: InputLimits | None = None,
) -> InputKind:
    """The kind ``data``'s header declares; raises the InputRefused that inspection would raise for an
    empty or too large file, one that is no media, a picture over the pixel limit, a recording over the
    length limit, or the wrong kind. Says nothing about whether the rest decodes."""
    limits = limits or InputLimits()
    if not data:
        raise facts.empty()
    if len(data) > limits.max_bytes:
        raise facts.too_large(limits.max_bytes, len(data))
    kind = _picture_kind(data, limits)
    if kind is None:
        refuse_heif(data, declared_name)
        kind = _recording_kind(data, limits)
    if kind is None:
        raise facts.not_media(declared_name, "neither Pillow nor FFmpeg recognised its header")
    if accepted is not None and kind not in accepted:
        raise facts.wrong_kind(kind, next(iter(accepted)))
    return kind
