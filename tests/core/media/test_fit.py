"""Over the upload limit a video is re-encoded at a lower bitrate, then at a lower resolution."""

from __future__ import annotations

import random
from pathlib import Path

import av
from PIL import Image, ImageChops

from core.media.fit import fit_video
from core.media.probe import probe_video


def busy_clip(path: Path, width: int = 640, height: int = 360, frames: int = 48) -> None:
    """Detailed moving noise at near-lossless quality: megabytes for two seconds."""
    rng = random.Random(7)
    small = Image.frombytes("RGB", (width // 4, height // 4), rng.randbytes(width * height * 3 // 16))
    base = small.resize((width, height), Image.Resampling.BICUBIC)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "4", "preset": "ultrafast"}
        for index in range(frames):
            picture = ImageChops.offset(base, index * 9, index * 3)
            container.mux(stream.encode(av.VideoFrame.from_image(picture)))
        container.mux(stream.encode(None))


def test_a_lower_bitrate_comes_first_at_the_same_size(tmp_path: Path) -> None:
    source = tmp_path / "big.mp4"
    busy_clip(source)
    facts = probe_video(source)
    assert facts is not None
    limit = source.stat().st_size // 4

    fitted = fit_video(source, facts, tmp_path / "fitted.mp4", limit)

    assert fitted is not None
    assert fitted.size_bytes <= limit
    assert (fitted.width, fitted.height) == (640, 360)
    assert not fitted.lowered_resolution
    assert str(fitted.note(limit)).startswith("video re-encoded at a lower bitrate to fit Discord's")
    result = probe_video(fitted.path)
    assert result is not None
    assert result.plays_inline


def test_a_tight_limit_lowers_the_resolution_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "big.mp4"
    busy_clip(source)
    facts = probe_video(source)
    assert facts is not None
    limit = 60 * 1024

    fitted = fit_video(source, facts, tmp_path / "fitted.mp4", limit)

    assert fitted is not None
    assert fitted.size_bytes <= limit
    assert fitted.height < 360
    assert f"(360p → {fitted.height}p)" in str(fitted.note(limit))
    assert "60 KB" in str(fitted.note(limit))
    result = probe_video(fitted.path)
    assert result is not None
    assert (result.width, result.height) == (fitted.width, fitted.height)
    assert result.plays_inline, "smaller, and still H.264 yuv420p with its index first"


def test_an_impossible_limit_gives_up(tmp_path: Path) -> None:
    source = tmp_path / "big.mp4"
    busy_clip(source, frames=24)
    facts = probe_video(source)
    assert facts is not None

    assert fit_video(source, facts, tmp_path / "fitted.mp4", 500) is None
