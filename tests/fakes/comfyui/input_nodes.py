"""Nodes that read what was uploaded to input/ (LoadImage, LoadImageMask, LoadAudio) and the ones that work
on an input: decoding follows the real nodes, so a file that is not a picture or a song fails the same way."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PIL import Image

from . import media
from .behaviours import BASIC_BEHAVIOURS, Behaviour, NodeContext, Outputs, Ui, Value, _image, _work
from .media_nodes import MEDIA_BEHAVIOURS
from .video_nodes import VIDEO_BEHAVIOURS


async def load_audio(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """Decodes the file like the real node (PyAV): a file that is not audio fails the same way."""
    await _work(ctx)
    path = ctx.store.annotated_path(ctx.inputs["audio"])
    if not path.is_file():  # listed by config only: a stand-in song
        return ({"kind": "AUDIO", "channels": 2, "seconds": 2.0, "sample_rate": 44100},), None
    channels, seconds, rate = await asyncio.to_thread(media.decode_audio, path)
    return ({"kind": "AUDIO", "channels": channels, "seconds": seconds, "sample_rate": rate},), None


def _decode_image(path: Path) -> Value:
    # str(path): Pillow then names the file in its error like the real node's "cannot identify image file".
    with Image.open(str(path)) as img:
        r, g, b = img.convert("RGB").getpixel((0, 0))  # type: ignore[misc]
        # Like the real LoadImage (nodes.py), every frame of an animated GIF, WebP or PNG is an item of the
        # batch it gives (each frame is the picture's size); an MPO's further pictures are not (its
        # excluded_formats).
        frames = 1 if img.format == "MPO" else int(getattr(img, "n_frames", 1))
        return _image(img.width, img.height, frames, (r << 16) | (g << 8) | b)


async def load_image(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """Decodes the file like the real node: a file that is not a picture fails with PIL's error."""
    await _work(ctx)
    path = ctx.store.annotated_path(ctx.inputs["image"])
    if path.is_file():
        image = await asyncio.to_thread(_decode_image, path)
    else:  # listed by config only: a stand-in picture
        image = _image(64, 64, 1, 0)
    return (image, {"kind": "MASK", "width": image["width"], "height": image["height"]}), None


async def load_image_mask(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    path = ctx.store.annotated_path(ctx.inputs["image"])
    image = await asyncio.to_thread(_decode_image, path) if path.is_file() else _image(64, 64, 1, 0)
    return ({"kind": "MASK", "width": image["width"], "height": image["height"]},), None


async def vae_encode_audio(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """A song's latent keeps its length, so decoding it again (a cover) gives a song as long."""
    await _work(ctx)
    audio = ctx.inputs["audio"]
    return (
        {"kind": "LATENT", "seconds": float(audio["seconds"]), "count": int(audio.get("count", 1))},
    ), None


async def image_scale_by(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    factor = float(ctx.inputs["scale_by"])
    # ComfyUI rounds each side of the scaled picture to the nearest pixel.
    image.update(width=round(image["width"] * factor), height=round(image["height"] * factor))
    return (image,), None


BEHAVIOURS: dict[str, Behaviour] = {
    **BASIC_BEHAVIOURS,
    **MEDIA_BEHAVIOURS,
    "load_audio": load_audio,
    "load_image": load_image,
    "load_image_mask": load_image_mask,
    "image_scale_by": image_scale_by,
    "vae_encode_audio": vae_encode_audio,
    **VIDEO_BEHAVIOURS,
}
