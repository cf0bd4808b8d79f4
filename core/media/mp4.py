"""Writing MP4s Discord plays inline (H.264, yuv420p, AAC, index first) from videos, animations or frames.

Blocking work (decoding, encoding): callers run it in a thread. Files go through the disk, never memory as
a whole: ``faststart`` rewrites the file to move its index to the front, which needs a real file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageSequence

from core.media.probe import animation_fps

# x264's "veryfast" keeps a 10 s 720p clip within a few CPU seconds at a quality close to "medium".
PRESET = "veryfast"
CRF = 23  # x264's default: what a clip gets when no size limit asks for less
AUDIO_BITRATE = 128_000
_MP4_OPTIONS = {"movflags": "+faststart"}


@dataclass(frozen=True, slots=True)
class Encoding:
    """How to encode: a constant quality (``bitrate`` None) or an average bitrate; ``height`` scales down."""

    bitrate: int | None = None
    height: int | None = None


def output_size(width: int, height: int, target_height: int | None) -> tuple[int, int]:
    """The encoded size: even sides (yuv420p halves the colour planes), scaled down to ``target_height``."""
    if target_height is not None and target_height < height:
        width, height = round(width * target_height / height), target_height
    return max(2, width // 2 * 2), max(2, height // 2 * 2)


def remux(source: Path, target: Path) -> None:
    """An H.264 (and AAC) file into an MP4 with its index first, without re-encoding a frame."""
    with (
        av.open(str(source)) as inp,
        av.open(str(target), mode="w", format="mp4", options=_MP4_OPTIONS) as out,
    ):
        streams = [inp.streams.video[0], *inp.streams.audio[:1]]
        copies = {stream.index: out.add_stream_from_template(stream) for stream in streams}
        for packet in inp.demux(streams):
            if packet.dts is None:  # the demuxer's flush packet
                continue
            packet.stream = copies[packet.stream.index]
            out.mux(packet)


def transcode(source: Path, target: Path, encoding: Encoding = Encoding()) -> None:
    """Any video or animation → an MP4 at ``target`` (audio kept, as AAC)."""
    try:
        with Image.open(source) as image:
            fps = Fraction(animation_fps(image)).limit_denominator(1001)
            size = output_size(image.width, image.height, encoding.height)
            frames = (_from_image(f) for f in ImageSequence.Iterator(image))
            _write(target, frames, fps, size, encoding)
            return
    except OSError:
        pass  # not an animation Pillow reads (animated WebP, APNG, GIF): a video file
    with av.open(str(source)) as inp:
        video_in = inp.streams.video[0]
        video_in.thread_type = "AUTO"
        fps = Fraction(video_in.average_rate or video_in.guessed_rate or 24).limit_denominator(1001)
        size = output_size(video_in.codec_context.width, video_in.codec_context.height, encoding.height)
        audio_in = inp.streams.audio[0] if inp.streams.audio else None
        with av.open(str(target), mode="w", format="mp4", options=_MP4_OPTIONS) as out:
            pictures = _Pictures(out, size, fps, encoding)
            audio = _AudioTrack(out) if audio_in is not None else None
            for packet in inp.demux([video_in, audio_in] if audio_in is not None else [video_in]):
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        pictures.add(frame)
                    elif audio is not None and isinstance(frame, av.AudioFrame):
                        audio.add(frame)
            pictures.close()
            if audio is not None:
                audio.close()


def frames_to_mp4(frames: Sequence[Path], target: Path, fps: float, encoding: Encoding = Encoding()) -> None:
    """Still images (a batch of frames a workflow saved) → an MP4 at ``fps``."""
    with Image.open(frames[0]) as first:
        size = output_size(first.width, first.height, encoding.height)
    _write(target, _pictures(frames), Fraction(fps).limit_denominator(1001), size, encoding)


def _pictures(paths: Sequence[Path]) -> Iterator[av.VideoFrame]:
    for path in paths:
        with Image.open(path) as image:
            yield _from_image(image)


def _from_image(image: Image.Image) -> av.VideoFrame:
    frame: av.VideoFrame = av.VideoFrame.from_image(image.convert("RGB"))  # type: ignore[no-untyped-call]  # PyAV leaves it unannotated
    return frame


def _write(
    target: Path, frames: Iterable[av.VideoFrame], fps: Fraction, size: tuple[int, int], encoding: Encoding
) -> None:
    with av.open(str(target), mode="w", format="mp4", options=_MP4_OPTIONS) as out:
        pictures = _Pictures(out, size, fps, encoding)
        for frame in frames:
            pictures.add(frame)
        pictures.close()


class _Pictures:
    """Frames into an H.264 stream at ``size``, one tick of 1/fps each (generated videos: a steady rate)."""

    def __init__(
        self, out: av.container.OutputContainer, size: tuple[int, int], fps: Fraction, encoding: Encoding
    ) -> None:
        self._out, self._size, self._tick, self._count = out, size, 1 / fps, 0
        self._stream = out.add_stream("libx264", rate=fps)
        self._stream.width, self._stream.height = size
        self._stream.pix_fmt = "yuv420p"
        options: dict[str, object] = {"preset": PRESET, "profile": "high"}
        if encoding.bitrate is None:
            options["crf"] = str(CRF)
        else:
            # An average bitrate, capped, with a two-second buffer: the size lands close to the budget.
            self._stream.bit_rate = encoding.bitrate
            options |= {"maxrate": str(encoding.bitrate), "bufsize": str(encoding.bitrate * 2)}
        self._stream.options = options

    def add(self, frame: av.VideoFrame) -> None:
        width, height = self._size
        picture = frame.reformat(width=width, height=height, format="yuv420p", interpolation="BILINEAR")
        picture.pts, picture.time_base = self._count, self._tick
        self._count += 1
        self._out.mux(self._stream.encode(picture))

    def close(self) -> None:
        self._out.mux(self._stream.encode(None))


class _AudioTrack:
    def __init__(self, out: av.container.OutputContainer) -> None:
        self._out = out
        self._stream = out.add_stream("aac", rate=48_000)
        self._stream.bit_rate = AUDIO_BITRATE
        self._resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48_000)

    def add(self, frame: av.AudioFrame) -> None:
        frame.pts = None  # the resampler and encoder count samples themselves
        for resampled in self._resampler.resample(frame):
            self._out.mux(self._stream.encode(resampled))

    def close(self) -> None:
        self._out.mux(self._stream.encode(None))
