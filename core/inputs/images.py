"""Pictures, read with Pillow: the header first (format and size), the pixels only if the size is sane."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from core.inputs import facts
from core.inputs.facts import InputLimits
from core.inputs.png_integrity import check_png

# Formats ComfyUI's LoadImage reads and people send; anything else is not taken as a picture.
IMAGE_MIMES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    # A JPEG with a multi-picture index (an iPhone's HDR gain map): Pillow opens it as MPO, ComfyUI's
    # LoadImage reads it; its first picture is the photo.
    "MPO": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/bmp",
}
# Formats people send that a ComfyUI's Pillow may not read (AVIF: Pillow 11.3 and later only): read here
# when this Pillow can, and given to ComfyUI as a PNG (core.jobs.input_intake).
_CONVERTED = {"AVIF": "image/avif"}
Image.init()
IMAGE_MIMES.update({name: mime for name, mime in _CONVERTED.items() if name in Image.OPEN})

_JPEGS = {"JPEG", "MPO"}
# The formats Pillow is asked to open with: its JPEG opener gives an MPO, which has none of its own.
_OPENERS = [name for name in IMAGE_MIMES if name != "MPO"]

# ISOBMFF brands of HEIF pictures (an iPhone's HEIC photo, AVIF): FFmpeg opens one as a video of no length.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}


def refuse_heif(data: bytes, declared_name: str) -> None:
    """Raise the refusal of a HEIF picture Pillow did not read (a HEIC photo): it is not a video."""
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        raise facts.heif_picture(declared_name)


@dataclass(frozen=True, slots=True)
class Picture:
    mime: str
    width: int
    height: int


def _open(data: bytes) -> Image.Image | None:
    try:
        return Image.open(io.BytesIO(data), formats=_OPENERS)
    except Image.DecompressionBombError:
        raise
    # Pillow's plugins raise many types on hostile bytes (SyntaxError, struct.error, ValueError, ...): any
    # of them only means "not a picture we can read", which is an answer, not a crash.
    except Exception:
        return None


def read_picture(data: bytes, limits: InputLimits) -> Picture | None:
    """The picture in ``data``, None if Pillow does not take it for one; raises InputRefused for a bomb
    or a picture that does not decode."""
    try:
        image = _open(data)
    except Image.DecompressionBombError as exc:  # Pillow's own ceiling, far above ours
        raise facts.too_many_pixels(None, None, limits) from exc
    if image is None:
        return None
    with image:
        width, height = image.size
        mime = IMAGE_MIMES[str(image.format)]
        if width * height > limits.max_pixels:
            raise facts.too_many_pixels(width, height, limits)
        try:
            png_exif = _prove_decodes(image, data)  # a cut-short or corrupt file fails here
        except Exception as exc:  # as in _open: decoder errors on hostile bytes have no common type
            raise facts.damaged(facts.InputKind.IMAGE, f"{type(exc).__name__}: {exc}") from exc
        if _turned_on_its_side(image, png_exif):
            width, height = height, width
    return Picture(mime, width, height)


# EXIF orientations that show the stored pixels turned a quarter (a phone photo taken upright).
_QUARTER_TURNS = {5, 6, 7, 8}
_ORIENTATION = 0x0112


def _turned_on_its_side(image: Image.Image, png_exif: bytes | None) -> bool:
    """Whether the picture is shown (and loaded by ComfyUI's LoadImage, which applies the EXIF orientation
    first) turned a quarter from its stored pixels: its size is then the other way round. A PNG's EXIF is
    the block check_png found: Pillow's getexif() would decode every pixel of a PNG to look for it."""
    try:
        if image.format == "PNG":
            exif = Image.Exif()
            if png_exif is not None:
                exif.load(png_exif)
        else:
            exif = image.getexif()
        return exif.get(_ORIENTATION) in _QUARTER_TURNS
    except Exception:  # as in _open: a malformed EXIF block only means "not turned"
        return False


def _prove_decodes(image: Image.Image, data: bytes) -> bytes | None:
    """Decode the first frame to its end, at the least cost that still reads all of it: a PNG's image data
    inflated and its rows checked without building pixels (core.inputs.png_integrity), a JPEG decoded at
    an eighth of its size (every coded block is still read, a truncated file still fails), others whole."""
    if image.format == "PNG":
        return check_png(data)  # with its EXIF block, found on the way
    if image.format in _JPEGS:
        image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
    image.load()
    return None


def loadable_png(data: bytes) -> bytes | None:
    """A picture as the PNG to give ComfyUI instead, with its transparency and EXIF, or None: it is fine as
    it is. An animated picture (GIF, WebP, PNG) becomes its first frame: ComfyUI's LoadImage makes a batch
    of every frame, and each would be drawn, a picture per frame, none of them checked but the first. A
    format ComfyUI may not read (AVIF) becomes a PNG. Call it on a picture read_picture took."""
    with Image.open(io.BytesIO(data), formats=_OPENERS) as image:
        animated = image.format != "MPO" and int(getattr(image, "n_frames", 1)) > 1
        if not animated and image.format not in _CONVERTED:
            return None  # (LoadImage takes an MPO's first picture alone: its excluded_formats)
        image.seek(0)
        frame = image.copy()  # the info (transparency, EXIF) goes with it
        out = io.BytesIO()
        exif = frame.info.get("exif")
        frame.save(out, "PNG", **({"exif": exif} if exif else {}))
    return out.getvalue()
