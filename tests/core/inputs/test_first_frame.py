"""An animated picture is given to ComfyUI as its first frame: LoadImage would make a batch of every frame."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.inputs.images import first_frame
from tests.fakes.comfyui import media


def _saved(frames: list[Image.Image], form: str, **options: object) -> bytes:
    out = io.BytesIO()
    frames[0].save(out, form, save_all=True, append_images=frames[1:], **options)
    return out.getvalue()


def test_an_animated_webp_becomes_its_first_frame_with_its_transparency_and_exif() -> None:
    clear = Image.new("RGBA", (32, 16), (200, 30, 30, 0))
    clear.paste((200, 30, 30, 255), (0, 0, 16, 16))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned a quarter: LoadImage turns it before use
    blue = Image.new("RGBA", (32, 16), (0, 0, 255, 255))
    animated = _saved([clear, blue], "WEBP", lossless=True, exif=exif)

    still = first_frame(animated)

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

    still = first_frame(animated)

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
    assert first_frame(data) is None
