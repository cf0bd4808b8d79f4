"""Inputs are identified by decoding them, and every bad one is refused with a friendly message (issue 14)."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from core.inputs import (
    InputFacts,
    InputKind,
    InputLimits,
    InputRefused,
    RefusalReason,
    inspect_input,
    inspect_input_sync,
    inspection,
)
from tests.core.inputs.media_samples import mp4_clip, png_bomb
from tests.fakes.comfyui import media

AUDIO = {InputKind.AUDIO}


def refusal(data: bytes, name: str = "upload", **options: object) -> InputRefused:
    with pytest.raises(InputRefused) as refused:
        inspect_input_sync(data, name, **options)  # type: ignore[arg-type]
    return refused.value


def test_a_png_named_like_a_song_is_a_picture_with_its_size_and_checksum() -> None:
    data = media.png(30, 20, 0x336699)

    found = inspect_input_sync(data, "song.mp3")

    assert (found.kind, found.mime, found.width, found.height, found.size) == (
        InputKind.IMAGE, "image/png", 30, 20, len(data)
    )  # fmt: skip
    assert found.declared_name == "song.mp3"
    assert len(found.sha256) == 64
    assert found.sha256 != inspect_input_sync(media.png(30, 20, 1), "x").sha256


def test_a_jpeg_is_a_picture() -> None:
    found = inspect_input_sync(media.jpeg(12, 9, 0xFF0000), "photo.png")
    assert (found.kind, found.mime, found.width, found.height) == (InputKind.IMAGE, "image/jpeg", 12, 9)


def _phone_photo(orientation: int, kind: str = "JPEG") -> bytes:
    """Stored 64x48, with the EXIF orientation a phone writes (6: taken upright, shown turned a quarter)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 80, 120)).save(out, kind, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(
    ("orientation", "size"), [(6, (48, 64)), (8, (48, 64)), (1, (64, 48)), (3, (64, 48))]
)
def test_a_photos_size_is_the_one_it_is_shown_and_loaded_at_after_its_exif_orientation(
    orientation: int, size: tuple[int, int]
) -> None:
    # ComfyUI's LoadImage turns it by its orientation first (ImageOps.exif_transpose), as viewers do.
    for kind in ("JPEG", "PNG"):
        found = inspect_input_sync(_phone_photo(orientation, kind), "photo")
        assert (found.width, found.height) == size, kind


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (media.wav(1.0, 2), "audio/wav"),
        (media.encoded_audio("mp3", 2, 1.0), "audio/mpeg"),
        (media.encoded_audio("flac", 1, 1.0), "audio/flac"),
        (media.encoded_audio("opus", 2, 1.0), "audio/ogg"),
    ],
    ids=["wav", "mp3", "flac", "opus"],
)
def test_songs_are_audio_with_their_length(data: bytes, mime: str) -> None:
    found = inspect_input_sync(data, "photo.png", accepted=AUDIO)

    assert (found.kind, found.mime, found.width, found.height) == (InputKind.AUDIO, mime, None, None)
    assert found.duration_s == pytest.approx(1.0, abs=0.05)


def test_a_clip_is_a_video_with_its_frame_size_and_length() -> None:
    found = inspect_input_sync(mp4_clip(32, 16, frames=5), "clip.mp3")

    assert (found.kind, found.mime, found.width, found.height) == (InputKind.VIDEO, "video/mp4", 32, 16)
    assert found.duration_s == pytest.approx(0.5, abs=0.05)


def test_a_png_bomb_is_refused_from_its_header_without_decoding_pixels() -> None:
    refused = refusal(png_bomb(30000, 30000))

    # The pixel data is garbage: decoding it would have ended as DAMAGED, not as too many pixels.
    assert refused.reason is RefusalReason.TOO_MANY_PIXELS
    assert refused.user_message == "That picture is too big; the limit is 40 megapixels."


def test_a_picture_over_our_pixel_limit_but_under_pillows_is_refused_with_its_size() -> None:
    refused = refusal(png_bomb(8000, 8000))

    assert refused.reason is RefusalReason.TOO_MANY_PIXELS
    assert refused.user_message == "That picture is too big (8000x8000 pixels); the limit is 40 megapixels."


def test_a_100_mb_file_is_refused_for_its_size_before_anything_is_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inspection, "read_picture", pytest.fail)

    refused = refusal(bytes(100 * 1024 * 1024))

    assert refused.reason is RefusalReason.TOO_LARGE
    assert refused.user_message == "That file is too large (100 MB); the limit is 25 MB."


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"").reason is RefusalReason.EMPTY


def test_text_is_not_media() -> None:
    refused = refusal(b"Verse 1: la la la\n" * 50, "lyrics.png")

    assert refused.reason is RefusalReason.NOT_MEDIA
    assert refused.user_message.startswith("I couldn't read that file as a picture, a sound file or a video")


def test_an_audio_file_that_is_not_audio_is_refused() -> None:
    refused = refusal(b"ID3 not really an mp3 " * 40, "song.mp3", accepted=AUDIO)

    assert refused.reason is RefusalReason.NOT_MEDIA


def test_a_picture_sent_where_audio_is_needed_is_the_wrong_kind() -> None:
    refused = refusal(media.png(8, 8, 0), "song.mp3", accepted=AUDIO)

    assert refused.reason is RefusalReason.WRONG_KIND
    assert refused.user_message == "That file is a picture, but this needs a sound file."


def test_a_picture_cut_short_is_damaged() -> None:
    whole = media.png(64, 64, 0x123456)

    refused = refusal(whole[: len(whole) // 2])

    assert refused.reason is RefusalReason.DAMAGED
    assert (
        refused.user_message
        == "That file looks like a picture but is damaged or cut short; please send it again."
    )


def test_a_jpeg_cut_short_is_damaged_though_it_is_decoded_at_an_eighth_of_its_size() -> None:
    whole = photo_like_jpeg()
    assert inspect_input_sync(whole, "photo.jpg").width == 640

    refused = refusal(whole[: len(whole) * 2 // 3])

    assert refused.reason is RefusalReason.DAMAGED


def photo_like_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((640, 480)).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_recording_over_the_length_limit_is_refused() -> None:
    refused = refusal(media.wav(2.0, 1), limits=InputLimits(max_seconds=1.0))

    assert refused.reason is RefusalReason.TOO_LONG
    assert refused.user_message == "That recording is too long (0:02); the limit is 0:01."


def test_no_refusal_shows_an_exception_name_or_a_traceback() -> None:
    samples = [b"", b"text" * 10, png_bomb(), media.png(64, 64, 1)[:80], bytes(30 * 1024 * 1024)]
    for data in samples:
        message = refusal(data).user_message
        for telltale in ("Error", "Traceback", "Exception", "av.", "PIL"):
            assert telltale not in message


async def test_inspection_decodes_on_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    real = inspection.read_picture

    def watched(data: bytes, limits: InputLimits) -> object:
        threads.append(threading.get_ident())
        return real(data, limits)

    monkeypatch.setattr(inspection, "read_picture", watched)

    found = await inspect_input(media.png(4, 4, 0), "x.png")

    assert isinstance(found, InputFacts)
    assert threads
    assert threads[0] != threading.get_ident()


async def test_an_oversized_file_is_refused_without_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inspection.asyncio, "to_thread", pytest.fail)

    with pytest.raises(InputRefused) as refused:
        await inspect_input(bytes(2048), "x", limits=InputLimits(max_bytes=1024))

    assert refused.value.reason is RefusalReason.TOO_LARGE


def test_a_png_is_proved_and_its_orientation_read_without_pillow_decoding_its_pixels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PIL import PngImagePlugin

    upright = _phone_photo(6, "PNG")
    monkeypatch.setattr(
        PngImagePlugin.PngImageFile, "load", lambda self: pytest.fail("PNG decoded by Pillow")
    )

    found = inspect_input_sync(upright, "photo.png")

    assert (found.width, found.height) == (48, 64)


def test_a_phone_jpeg_with_a_multi_picture_index_is_read_as_a_jpeg() -> None:
    photo, gain_map = Image.new("RGB", (64, 48), "red"), Image.new("RGB", (32, 24), "blue")
    out = io.BytesIO()
    photo.save(out, "MPO", save_all=True, append_images=[gain_map])

    found = inspect_input_sync(out.getvalue(), "IMG_0001.jpg")

    assert (found.kind, found.mime, found.width, found.height) == (InputKind.IMAGE, "image/jpeg", 64, 48)
