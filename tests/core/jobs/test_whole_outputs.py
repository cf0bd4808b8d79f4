"""Every kind of file ComfyUI saves is taken whole, and found damaged once cut short, whatever it claims,
read from disk or handed over in memory as a download holds a small file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.jobs.artifact_facts import file_facts
from core.jobs.whole_outputs import checked_output, output_damage
from db.enums import ArtifactType
from tests.fakes.comfyui import media, video_media

FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "a.png": (lambda: media.png(64, 48, 0x336699), "image/png"),
    "a.jpg": (lambda: media.jpeg(64, 48, 0x336699), "image/jpeg"),
    "a.webp": (lambda: video_media.animation("WEBP", 64, 48, 0x336699, 1, 8.0), "image/webp"),
    "a.flac": (lambda: media.encoded_audio("flac", 2, 10.0), "audio/flac"),
    "a.mp3": (lambda: media.encoded_audio("mp3", 2, 10.0), "audio/mpeg"),
    "a.opus": (lambda: media.encoded_audio("opus", 2, 10.0), "audio/ogg"),
    "a.mp4": (lambda: video_media.encoded_video("mp4", 64, 48, 0x336699, 24, 8.0), "video/mp4"),
}


def held(path: Path, in_memory: bool) -> bytes | None:
    return path.read_bytes() if in_memory else None


@pytest.mark.parametrize("in_memory", [False, True])
@pytest.mark.parametrize("name", FILES)
def test_a_whole_file_is_whole(tmp_path: Path, name: str, in_memory: bool) -> None:
    make, mime = FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    assert output_damage(path, mime, held(path, in_memory)) is None


@pytest.mark.parametrize("in_memory", [False, True])
@pytest.mark.parametrize("kept", [0.5, 0.9])
@pytest.mark.parametrize("name", FILES)
def test_a_file_cut_short_is_damaged(tmp_path: Path, name: str, kept: float, in_memory: bool) -> None:
    make, mime = FILES[name]
    data = make()
    path = tmp_path / name
    path.write_bytes(data[: int(len(data) * kept)])
    assert output_damage(path, mime, held(path, in_memory))


def test_the_type_comes_from_the_name_when_the_server_does_not_say(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    whole = media.png(64, 48, 0x336699)
    path.write_bytes(whole[: len(whole) // 2])
    assert output_damage(path, "application/octet-stream")


def test_a_file_of_no_media_type_is_left_to_its_content_length(tmp_path: Path) -> None:
    path = tmp_path / "a.latent"
    path.write_bytes(b"\x00" * 10)
    assert output_damage(path, "application/octet-stream") is None


@pytest.mark.parametrize("in_memory", [False, True])
@pytest.mark.parametrize("name", ["a.png", "a.jpg", "a.webp"])
async def test_a_whole_picture_is_described_by_its_check_as_file_facts_would(
    tmp_path: Path, name: str, in_memory: bool
) -> None:
    make, mime = FILES[name]
    path = tmp_path / name
    path.write_bytes(make())
    damage, facts = checked_output(path, mime, held(path, in_memory))
    assert damage is None
    assert facts == await file_facts(path, media=ArtifactType.IMAGE)
    assert (facts.width, facts.height) == (64, 48)


def test_a_damaged_picture_or_a_recording_is_not_described(tmp_path: Path) -> None:
    whole = media.png(64, 48, 0x336699)
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole[: len(whole) // 2])
    sound = tmp_path / "a.flac"
    sound.write_bytes(media.encoded_audio("flac", 2, 10.0))
    assert checked_output(cut, "image/png")[1] is None
    assert checked_output(sound, "audio/flac") == (None, None)
