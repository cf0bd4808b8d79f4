"""Fitting a job's files to Discord's upload limit: images re-encoded or scaled, audio at a lower bitrate."""

from __future__ import annotations

import io
import math
import random
import struct
import wave

import av
from PIL import Image

from bot.reporting.attachments import fit_to_limit, shrink
from bot.ui.job_messages import OutgoingFile


def _noisy_png(size: int = 256) -> bytes:
    rng = random.Random(7)
    image = Image.frombytes("RGB", (size, size), bytes(rng.randrange(256) for _ in range(size * size * 3)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _wav(seconds: float = 2.0, rate: int = 44100) -> bytes:
    """A 440 Hz tone as 16-bit stereo WAV (what a lossless take weighs)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for i in range(int(seconds * rate)):
            value = int(12000 * math.sin(2 * math.pi * 440 * i / rate))
            frames += struct.pack("<hh", value, value)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


async def test_files_under_the_limit_are_sent_as_they_are() -> None:
    files = [OutgoingFile("a.png", b"x" * 100)]
    fitted = await fit_to_limit(files, 10 * 1024 * 1024)
    assert fitted.files == tuple(files)
    assert not fitted.shrunk


async def test_an_image_over_the_limit_is_reencoded_or_scaled_to_fit() -> None:
    png = _noisy_png()
    fitted = await fit_to_limit([OutgoingFile("picture.png", png)], 16 * 1024 + 20_000)
    [image] = fitted.files
    assert fitted.shrunk
    assert len(image.data) <= 20_000
    assert image.filename in ("picture.webp", "picture.jpg")
    with Image.open(io.BytesIO(image.data)) as opened:
        assert opened.width <= 256


def test_audio_is_reencoded_at_a_lower_bitrate() -> None:
    lossless = _wav()
    smaller = shrink(OutgoingFile("take.wav", lossless), len(lossless) // 8)
    assert smaller.filename == "take.mp3"
    assert len(smaller.data) <= len(lossless) // 8
    with av.open(io.BytesIO(smaller.data)) as container:
        assert container.streams.audio[0].codec_context.name.startswith("mp3")


def test_a_file_that_is_not_media_is_left_alone() -> None:
    odd = OutgoingFile("notes.flac", b"not audio at all")
    assert shrink(odd, 4) == odd
