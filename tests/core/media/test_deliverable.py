"""What a video job delivers: whatever its workflow saved, as an MP4 that Discord plays inline."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.media.deliverable import discord_videos
from core.media.mp4 import Encoding, transcode
from core.media.poster import poster_jpeg
from core.media.probe import probe_video
from tests.fakes.comfyui import media, video_media


def top_level_boxes(path: Path) -> list[bytes]:
    """The MP4's top-level box types in file order, walked here rather than by the probe under test."""
    data, kinds, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        if size == 1:  # a 64-bit size follows the type
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        kinds.append(data[at + 4 : at + 8])
        at += size if size >= 8 else len(data)  # 0: the box runs to the end of the file
    return kinds


def _inline(path: Path) -> None:
    facts = probe_video(path)
    assert facts is not None
    assert (facts.codec, facts.pix_fmt, path.suffix) == ("h264", "yuv420p", ".mp4")
    assert facts.faststart, "the index must come first so Discord can play it while it downloads"
    boxes = top_level_boxes(path)
    assert boxes.index(b"moov") < boxes.index(b"mdat"), boxes
    assert facts.plays_inline


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("webm_00001_.webm", video_media.encoded_video("webm", 160, 90, 0x336699, 12, 8.0)),
        ("webp_00001_.webp", video_media.animation("WEBP", 160, 90, 0x336699, 12, 8.0)),
        ("apng_00001_.png", video_media.animation("PNG", 160, 90, 0x336699, 12, 8.0)),
    ],
)
def test_webm_and_animations_are_encoded_to_h264_mp4(tmp_path: Path, name: str, data: bytes) -> None:
    saved = tmp_path / name
    saved.write_bytes(data)

    (delivered,) = discord_videos([saved], fps=24.0)

    _inline(delivered)
    assert delivered.name == saved.stem + ".mp4"
    assert not saved.exists(), "the original is replaced, not kept twice"
    facts = probe_video(delivered)
    assert facts is not None
    assert facts.frames == 12
    assert (facts.width, facts.height) == (160, 90)


def test_savevideo_output_is_only_remuxed_with_its_index_first(tmp_path: Path) -> None:
    saved = tmp_path / "vid_00001_.mp4"
    saved.write_bytes(video_media.encoded_video("mp4", 160, 90, 0x336699, 12, 8.0))
    before = probe_video(saved)
    assert before is not None
    assert not before.faststart  # as SaveVideo writes it
    assert top_level_boxes(saved).index(b"mdat") < top_level_boxes(saved).index(b"moov")

    (delivered,) = discord_videos([saved], fps=24.0)

    assert delivered == saved
    _inline(delivered)


def test_a_batch_of_frames_becomes_one_video_at_the_workflow_fps(tmp_path: Path) -> None:
    frames = []
    for index in range(6):
        frame = tmp_path / f"frames_{index:05}_.png"
        frame.write_bytes(media.png(64, 48, 0x102030 * (index + 1)))
        frames.append(frame)

    (delivered,) = discord_videos(frames, fps=12.0)

    _inline(delivered)
    facts = probe_video(delivered)
    assert facts is not None
    assert facts.frames == 6
    assert facts.fps == pytest.approx(12.0)
    assert not any(frame.exists() for frame in frames)


def test_one_still_image_stays_an_image(tmp_path: Path) -> None:
    still = tmp_path / "poster_00001_.png"
    still.write_bytes(media.png(64, 48, 0x102030))

    assert discord_videos([still], fps=24.0) == [still]


def test_odd_sizes_are_made_even_for_yuv420p(tmp_path: Path) -> None:
    saved = tmp_path / "odd.png"
    saved.write_bytes(video_media.animation("PNG", 161, 91, 0x336699, 4, 8.0))
    target = tmp_path / "odd.mp4"

    transcode(saved, target, Encoding())

    facts = probe_video(target)
    assert facts is not None
    assert (facts.width, facts.height) == (160, 90)


def test_the_poster_is_the_first_frame_as_jpeg(tmp_path: Path) -> None:
    saved = tmp_path / "a.webm"
    saved.write_bytes(video_media.encoded_video("webm", 160, 90, 0x336699, 12, 8.0))

    poster = poster_jpeg(saved)

    assert poster is not None
    assert poster[:3] == b"\xff\xd8\xff"
    assert poster_jpeg(tmp_path / "missing.mp4") is None
