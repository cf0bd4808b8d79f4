"""Audio and video, read with PyAV: an allowed container, a stream that decodes, a duration within limits."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import av

from core.inputs import facts
from core.inputs.facts import InputKind, InputLimits

# FFmpeg's demuxer name -> (mime as audio, mime as video). FFmpeg would also "read" plain text, image
# sequences and playlists; only containers people send as songs or clips are taken.
CONTAINERS: dict[str, tuple[str, str]] = {
    "mp3": ("audio/mpeg", "audio/mpeg"),
    "wav": ("audio/wav", "audio/wav"),
    "flac": ("audio/flac", "audio/flac"),
    "ogg": ("audio/ogg", "video/ogg"),
    "aiff": ("audio/aiff", "audio/aiff"),
    "mov,mp4,m4a,3gp,3g2,mj2": ("audio/mp4", "video/mp4"),
    "matroska,webm": ("audio/webm", "video/webm"),
}
FRAMES_TO_PROVE = 3  # a stream that yields this many decoded frames is taken as readable


@dataclass(frozen=True, slots=True)
class Recording:
    kind: InputKind
    mime: str
    duration_s: float
    width: int | None = None
    height: int | None = None


def _is_cover_art(stream: Any) -> bool:
    """An MP3's or M4A's embedded cover is a one-frame "video" stream; it does not make the file a video."""
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def _open(data: bytes) -> Any:
    try:
        return av.open(io.BytesIO(data), mode="r")
    # FFmpeg's errors on hostile bytes arrive as av.error.* but also ValueError, EOFError, UnicodeError...:
    # each only means "not a recording we can read".
    except Exception:
        return None


def _decoded_seconds(container: Any, stream: Any, limits: InputLimits) -> float:
    """Decode ``stream`` to its end (or past the limit); its length in seconds, 0 if nothing decoded."""
    seconds = 0.0
    for frame in container.decode(stream):
        seconds += frame.samples / frame.sample_rate if frame.sample_rate else 0.0
        if seconds > limits.max_seconds:
            break
    return seconds


def _prove_decodes(container: Any, stream: Any) -> int:
    decoded = 0
    for _frame in container.decode(stream):
        decoded += 1
        if decoded >= FRAMES_TO_PROVE:
            break
    return decoded


def read_recording(data: bytes, limits: InputLimits) -> Recording | None:
    """The audio or video in ``data``, None if FFmpeg does not take it for a known container with a
    stream; raises InputRefused for a recording that does not decode or is too long or too large."""
    container = _open(data)
    if container is None:
        return None
    with container:
        mimes = CONTAINERS.get(container.format.name)
        videos = [s for s in container.streams.video if not _is_cover_art(s)]
        audios = list(container.streams.audio)
        if mimes is None or not (videos or audios):
            return None
        kind = InputKind.VIDEO if videos else InputKind.AUDIO
        try:
            return _measure(container, kind, videos[0] if videos else audios[0], mimes, limits)
        except facts.InputRefused:
            raise
        except Exception as exc:  # decoder errors on hostile bytes have no common type
            raise facts.damaged(kind, f"{type(exc).__name__}: {exc}") from exc


def _measure(
    container: Any, kind: InputKind, stream: Any, mimes: tuple[str, str], limits: InputLimits
) -> Recording:
    width = height = None
    if kind is InputKind.VIDEO:
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > limits.max_pixels:
            raise facts.too_many_pixels(width, height, limits)
    duration = container.duration / av.time_base if container.duration else None
    if duration is not None and duration > limits.max_seconds:
        raise facts.too_long(duration, limits)
    if duration is None and kind is InputKind.AUDIO:
        duration = _decoded_seconds(container, stream, limits)  # no length in the header: count it
        if duration > limits.max_seconds:
            raise facts.too_long(duration, limits)
        if duration == 0:
            raise facts.damaged(kind, "no audio frame decoded")
    elif _prove_decodes(container, stream) == 0:
        raise facts.damaged(kind, f"no {kind} frame decoded")
    mime = mimes[1] if kind is InputKind.VIDEO else mimes[0]
    return Recording(kind, mime, duration or 0.0, width, height)
