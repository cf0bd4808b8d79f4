"""What the picture-resizing, padding and upscaling nodes do in the fake: the sizes the real nodes produce."""

from __future__ import annotations

import math
import re

from .behaviours import Behaviour, NodeContext, Outputs, Ui, _work

# comfy_extras/nodes_flux.py PREFERED_KONTEXT_RESOLUTIONS: the one closest to the picture's shape is used.
KONTEXT_RESOLUTIONS = [
    (672, 1568), (688, 1504), (720, 1456), (752, 1392), (800, 1328), (832, 1248), (880, 1184), (944, 1104),
    (1024, 1024), (1104, 944), (1184, 880), (1248, 832), (1328, 800), (1392, 752), (1456, 720), (1504, 688),
    (1568, 672),
]  # fmt: skip
_FACTOR = re.compile(r"(?<![0-9a-z])([1-8])x(?![a-z0-9])|(?<![0-9])x([1-8])(?![0-9])")


async def image_scale(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """ImageScale: a side of 0 keeps the aspect ratio from the other (nodes.py ImageScale.upscale)."""
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    width, height = int(ctx.inputs["width"]), int(ctx.inputs["height"])
    if width == 0 and height == 0:
        return (image,), None
    if width == 0:
        width = max(1, round(image["width"] * height / image["height"]))
    elif height == 0:
        height = max(1, round(image["height"] * width / image["width"]))
    image.update(width=width, height=height)
    return (image,), None


async def pad_for_outpaint(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """ImagePadForOutpaint: the picture grows by each side's padding; the MASK (one, whatever the batch)
    covers the padded picture. The real padding is mid-grey; a fake IMAGE has one colour and keeps it."""
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    width = image["width"] + int(ctx.inputs["left"]) + int(ctx.inputs["right"])
    height = image["height"] + int(ctx.inputs["top"]) + int(ctx.inputs["bottom"])
    image.update(width=width, height=height)
    return (image, {"kind": "MASK", "width": width, "height": height}), None


async def image_total_pixels(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    scale = math.sqrt(float(ctx.inputs["megapixels"]) * 1024 * 1024 / (image["width"] * image["height"]))
    image.update(width=round(image["width"] * scale), height=round(image["height"] * scale))
    return (image,), None


async def kontext_scale(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    ratio = image["width"] / image["height"]
    _, width, height = min((abs(ratio - w / h), w, h) for w, h in KONTEXT_RESOLUTIONS)
    image.update(width=width, height=height)
    return (image,), None


async def repeat_latent(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    latent = dict(ctx.inputs["samples"])
    latent["count"] = int(latent.get("count", 1)) * int(ctx.inputs["amount"])
    return (latent,), None


async def upscale_model_loader(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """A real model knows its scale from its weights; the fake reads it from the name ("4x-...", "x2")."""
    await _work(ctx)
    match = _FACTOR.search(str(ctx.inputs["model_name"]).lower())
    scale = int(match[1] or match[2]) if match else 4
    return ({"kind": "UPSCALE_MODEL", "scale": scale},), None


async def image_upscale_model(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    scale = int(ctx.inputs["upscale_model"]["scale"])
    image.update(width=image["width"] * scale, height=image["height"] * scale)
    return (image,), None


MEDIA_BEHAVIOURS: dict[str, Behaviour] = {
    "image_scale": image_scale,
    "pad_for_outpaint": pad_for_outpaint,
    "image_total_pixels": image_total_pixels,
    "kontext_scale": kontext_scale,
    "repeat_latent": repeat_latent,
    "upscale_model_loader": upscale_model_loader,
    "image_upscale_model": image_upscale_model,
}
