"""What ComfyUI is given of a picture: an animated one as its first frame (LoadImage would make a batch
of every frame), a format its Pillow may not read (AVIF) as a PNG; a HEIC photo is refused as such, not as a
video."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.inputs import InputKind, InputRefused, inspect_input_sync
from core.inputs.images import loadable_png
from core.inputs.sniffing import sniff_input
from tests.core.inputs.media_samples import avif, heic
from tests.fakes.comfyui import media


def _saved(frames: list[Image.Image], form: str, **options: object) -> bytes:
    out = io.BytesIO()
    frames[0].save(out, form, save_all=True, append_images=frames[1:], **options)
    return out.getvalue()


def test_an_animated_webp_becomes_its_loadable_png_with_its_transparency_and_exif() -> None:
    clear = Image.new("RGBA", (32, 16), (200, 30, 30, 0))
    clear.paste((200, 30, 30, 255), (0, 0, 16, 16))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter: LoadImage turns it before use
    blue = Image.new("RGBA", (32, 16), (0, 0, 255, 255))
    animated = _saved([clear, blue], "WEBP", lossless=True, exif=exif)

    still = loadable_png(animated)

    assert still is not None
    with Image.open(io.BytesIO(still)) as image:
        assert (image.format, getattr(image, "n_frames", 1), image.size) == ("PNG", 1, (32, 16))
        assert image.convert("RGBA").getpixel((0, 0)) == (200, 30, 30, 255)
        assert image.convert("RGBA").getpixel((31, 0))[3] == 0, "a transparent part stays transparent"
        assert image.getexif()[0x0112] == 6


def test_an_animated_gif_keeps_its_transparent_colour() -> None:
    frames = [Image.new("P", (8, 8), 1), Image.new("P", (8, 8), 2)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0])
        frame.putpixel((7, 7), 0)  # the transparent colour
    animated = _saved(frames, "GIF", transparency=0, duration=100)

    still = loadable_png(animated)

    assert still is not None
    with Image.open(io.BytesIO(still)) as image:
        assert image.convert("RGBA").getpixel((0, 0)) == (255, 0, 0, 255)
        assert image.convert("RGBA").getpixel((7, 7))[3] == 0


@pytest.mark.parametrize(
    "data",
    [
        media.png(16, 8, 0x3366CC),
        media.jpeg(16, 8, 0x3366CC),
        _saved([Image.new("RGB", (16, 8), "red")], "GIF"),  # a still GIF
        # A phone's JPEG with its HDR gain map: LoadImage reads its first picture alone already.
        _saved([Image.new("RGB", (16, 8), "red"), Image.new("RGB", (8, 4), "blue")], "MPO"),
    ],
    ids=["png", "jpeg", "still-gif", "mpo"],
)
def test_a_still_picture_is_left_as_it_is(data: bytes) -> None:
    assert loadable_png(data) is None


def test_an_avif_photo_is_a_picture_given_to_comfyui_as_a_png() -> None:
    found = inspect_input_sync(avif(), "photo.avif", accepted={InputKind.IMAGE})
    png = loadable_png(avif())

    assert (found.mime, found.width, found.height) == ("image/avif", 64, 48)
    assert png is not None
    with Image.open(io.BytesIO(png)) as image:
        assert (image.format, image.size) == ("PNG", (64, 48))
        red, green, blue = image.convert("RGB").getpixel((32, 24))  # type: ignore[misc]
        assert (red > 200, green < 50, blue < 50) == (True, True, True), "red, as it was drawn"


@pytest.mark.parametrize("accepted", [{InputKind.IMAGE}, {InputKind.VIDEO}, None])
def test_a_heic_photo_is_refused_as_one_not_taken_for_a_video(accepted: set[InputKind] | None) -> None:
    for look in (inspect_input_sync, sniff_input):
        with pytest.raises(InputRefused) as refused:
            look(heic(), "IMG_0001.HEIC", accepted=accepted)
        assert "HEIC photo" in str(refused.value.user_message)
        assert "video" not in str(refused.value.user_message)
