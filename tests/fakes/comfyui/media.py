"""Small but real media files: PNG/JPEG via Pillow, audio via PyAV (FLAC, MP3, Opus) or WAV."""

from __future__ import annotations

import io
import math
import struct
import wave
import zlib
from functools import lru_cache
from pathlib import Path

from PIL import Image

AUDIO_SAMPLE_RATE = 44100


def rgb(color: int) -> tuple[int, int, int]:
    return (color >> 16) & 0xFF, (color >> 8) & 0xFF, color & 0xFF


@lru_cache(maxsize=64)
def png(width: int, height: int, color: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), rgb(color)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


@lru_cache(maxsize=64)
def jpeg(width: int, height: int, color: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), rgb(color)).save(buf, format="JPEG", quality=95)
    return buf.getvalue()


def with_text_chunks(png_bytes: bytes, texts: dict[str, str]) -> bytes:
    """Insert tEXt chunks right after IHDR (signature 8 bytes + IHDR chunk 25 bytes)."""
    chunks = b""
    for keyword, text in texts.items():
        body = keyword.encode("latin-1") + b"\0" + text.encode("latin-1")
        chunk_type = b"tEXt"
        crc = zlib.crc32(chunk_type + body) & 0xFFFFFFFF
        chunks += struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", crc)
    return png_bytes[:33] + chunks + png_bytes[33:]


@lru_cache(maxsize=16)
def wav(seconds: float, channels: int, sample_rate: int = AUDIO_SAMPLE_RATE) -> bytes:
    """A 441 Hz tone, 16-bit PCM (one 100-sample period at 44.1 kHz, repeated)."""
    period = sample_rate // 441
    cycle = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * i / period))) * channels for i in range(period)
    )
    frames = int(seconds * sample_rate)
    pcm = (cycle * (frames // period + 1))[: frames * 2 * channels]
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)
    return buf.getvalue()


def decode_audio(path: Path) -> tuple[int, float, int]:
    """(channels, seconds, sample rate) by decoding every frame with PyAV, as ComfyUI's LoadAudio does;
    raises PyAV's error for a file that is not audio and ValueError when it has no audio stream."""
    import av  # imported lazily: only audio tests pay for it

    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise ValueError("No audio stream found in the file.")
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        if samples == 0:
            raise ValueError("No audio frames decoded.")
        rate = stream.codec_context.sample_rate
        return stream.codec_context.channels, samples / rate, rate


_CODECS = {
    "flac": ("flac", "flac", "s16"),
    "mp3": ("mp3", "libmp3lame", "fltp"),
    "opus": ("ogg", "libopus", "flt"),
}


@lru_cache(maxsize=32)
def encoded_audio(extension: str, channels: int, seconds: float) -> bytes:
    """Silence encoded with PyAV into the container real ComfyUI writes (fLaC / ID3 / OggS magic)."""
    import av  # imported lazily: only audio tests pay for it

    container_format, codec, sample_format = _CODECS[extension]
    rate = 48000 if extension == "opus" else AUDIO_SAMPLE_RATE
    layout = "stereo" if channels >= 2 else "mono"
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container_format) as container:
        if extension == "mp3":
            # Real files carry the prompt as ID3 tags, so they start with "ID3".
            container.metadata["prompt"] = "{}"
        stream = container.add_stream(codec, rate=rate, layout=layout)
        total = max(1, int(seconds * rate))
        frame_size = 960 if extension == "opus" else 1152
        done = 0
        while done < total:
            count = min(frame_size, total - done)
            frame = av.AudioFrame(format=sample_format, layout=layout, samples=count)
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
            frame.sample_rate = rate
            frame.pts = done
            for packet in stream.encode(frame):
                container.mux(packet)
            done += count
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()
