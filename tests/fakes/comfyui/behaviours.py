"""What each node kind does in the fake: pass small descriptive values along and write real files.

Values flowing between nodes are plain dicts (an IMAGE knows its size, batch and colour; an AUDIO its
channels and length), which is enough to name files, size previews and fail where the real node fails.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from . import media
from .node_specs import NodeSpec
from .outputs import FileStore

Value = dict[str, Any]
Outputs = tuple[Value, ...]
Ui = dict[str, list[dict[str, str]]]

# Audio files are written at most this long whatever the graph asked for: encoding a 2-minute song per test
# would cost seconds, and clients only need a valid container with the right magic bytes.
MAX_AUDIO_SECONDS = 1.0


class NodeContext(Protocol):
    node_id: str
    spec: NodeSpec
    inputs: dict[str, Any]
    store: FileStore
    prompt: dict[str, Any]  # hidden PROMPT input: the whole graph
    extra_pnginfo: dict[str, Any] | None  # hidden EXTRA_PNGINFO input, from extra_data
    step_time_s: float
    node_time_s: float
    default_steps: int | None
    previews: bool

    async def progress(self, value: int, total: int, preview: tuple[str, bytes] | None) -> None: ...


Behaviour = Callable[[NodeContext], Awaitable[tuple[Outputs, Ui | None]]]


def _image(width: int, height: int, count: int, color: int) -> Value:
    return {"kind": "IMAGE", "width": width, "height": height, "count": count, "color": color & 0xFFFFFF}


SLICE_S = 0.01


async def _busy(duration: Callable[[], float]) -> None:
    """Simulated work that re-reads its duration, so a test can shorten a node that is already running."""
    started = time.monotonic()
    # Polling on purpose: tests change FakeConfig fields directly, there is nothing to wait on.
    while (left := duration() - (time.monotonic() - started)) > 0:  # noqa: ASYNC110
        await asyncio.sleep(min(left, SLICE_S))


async def _work(ctx: NodeContext) -> None:
    await _busy(lambda: ctx.node_time_s)


async def opaque(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    return tuple({"kind": t, "node": ctx.node_id} for t in ctx.spec.outputs), None


async def custom(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """An unknown custom node: hands its first linked value on (an upscaler keeps being an IMAGE)."""
    await _work(ctx)
    first = next((v for v in ctx.inputs.values() if isinstance(v, dict) and "kind" in v), None)
    value = dict(first) if first is not None else {"kind": "*", "node": ctx.node_id}
    return tuple(dict(value) for _ in ctx.spec.outputs), None


async def checkpoint(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    name = ctx.inputs["ckpt_name"]
    return tuple({"kind": t, "ckpt": name} for t in ctx.spec.outputs), None


async def empty_image(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    i = ctx.inputs
    return (_image(i["width"], i["height"], i["batch_size"], i["color"]),), None


async def image_invert(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    image["color"] = 0xFFFFFF - image["color"]
    return (image,), None


async def image_pass(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    return (dict(ctx.inputs["image"]),), None


async def repeat_batch(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    image = dict(ctx.inputs["image"])
    image["count"] *= int(ctx.inputs["amount"])
    return (image,), None


async def empty_latent(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    i = ctx.inputs
    return ({"kind": "LATENT", "width": i["width"], "height": i["height"], "count": i["batch_size"]},), None


async def empty_audio_latent(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    i = ctx.inputs
    return ({"kind": "LATENT", "seconds": float(i["seconds"]), "count": i["batch_size"]},), None


def _sampler_steps(ctx: NodeContext) -> int:
    if ctx.default_steps is not None:
        return ctx.default_steps
    steps = int(ctx.inputs["steps"])
    if "start_at_step" in ctx.inputs:
        end = min(int(ctx.inputs["end_at_step"]), steps)
        return max(0, end - int(ctx.inputs["start_at_step"]))
    return steps


async def sampler(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    latent = dict(ctx.inputs["latent_image"])
    seed = int(ctx.inputs.get("seed", ctx.inputs.get("noise_seed", 0)))
    latent["seed"] = seed
    steps = _sampler_steps(ctx)
    preview = None
    if ctx.previews and "width" in latent:
        # Real previews are the 8x-downscaled latent blown up to fit 512 px; a small JPEG is enough here.
        preview = ("JPEG", media.jpeg(min(latent["width"], 64), min(latent["height"], 64), seed & 0xFFFFFF))
    for step in range(1, steps + 1):
        await _busy(lambda: ctx.step_time_s)
        await ctx.progress(step, steps, preview)
    return (latent,), None


async def vae_decode(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    latent = ctx.inputs["samples"]
    color = (latent.get("seed", 0) * 2654435761) & 0xFFFFFF
    return (_image(latent.get("width", 64), latent.get("height", 64), latent.get("count", 1), color),), None


async def vae_decode_audio(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    latent = ctx.inputs["samples"]
    audio = {
        "kind": "AUDIO",
        "channels": 2,
        "seconds": float(latent.get("seconds", 2.0)),
        "sample_rate": 44100,
        "count": int(latent.get("count", 1)),
    }
    return (audio,), None


# The image VAEs the fake stands in for (SD1.5, SDXL, Flux, Qwen-Image) turn 8x8 pixels into one latent cell.
VAE_DOWNSCALE = 8


async def vae_encode(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """VAEEncode and VAEEncodeForInpaint crop the picture to whole latent cells: each side rounds down to a
    multiple of 8, keeping the middle (comfy/sd.py vae_encode_crop_pixels; the inpaint node crops its mask
    alike), so decoding the latent gives that smaller picture."""
    await _work(ctx)
    image = ctx.inputs["pixels"]
    width = image["width"] // VAE_DOWNSCALE * VAE_DOWNSCALE
    height = image["height"] // VAE_DOWNSCALE * VAE_DOWNSCALE
    return ({"kind": "LATENT", "width": width, "height": height, "count": image["count"]},), None


async def split_audio(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    audio = ctx.inputs["audio"]
    if audio["channels"] < 2:
        raise ValueError("AudioSplit: Input audio has only one channel.")
    mono = {**audio, "channels": 1}
    return (mono, dict(mono)), None


def _write_images(ctx: NodeContext, base_kind: str, prefix: str) -> Ui:
    image = ctx.inputs["images"]
    base = ctx.store.directory(base_kind)
    assert base is not None
    paths, subfolder = ctx.store.next_paths(base, prefix, "png", image["count"])
    # Like SaveImage's PngInfo: the prompt and each extra_pnginfo entry as JSON text chunks.
    texts = {"prompt": json.dumps(ctx.prompt)}
    texts.update({key: json.dumps(value) for key, value in (ctx.extra_pnginfo or {}).items()})
    data = media.with_text_chunks(media.png(image["width"], image["height"], image["color"]), texts)
    for path in paths:
        path.write_bytes(data)
    return {"images": [{"filename": p.name, "subfolder": subfolder, "type": base_kind} for p in paths]}


async def save_image(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    return (), _write_images(ctx, "output", str(ctx.inputs.get("filename_prefix", "ComfyUI")))


async def preview_image(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    return (), _write_images(ctx, "temp", "ComfyUI" + ctx.store.temp_suffix)


async def save_websocket(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    image = ctx.inputs["images"]
    data = media.png(image["width"], image["height"], image["color"])
    for index in range(image["count"]):
        await _work(ctx)
        await ctx.progress(index, image["count"], ("PNG", data))
    return (), None


_AUDIO_EXTENSIONS = {
    "SaveAudio": "flac",
    "SaveAudioMP3": "mp3",
    "SaveAudioOpus": "opus",
    "PreviewAudio": "flac",
}


async def _write_audio(ctx: NodeContext, base_kind: str, prefix: str) -> Ui:
    audio = ctx.inputs["audio"]
    extension = _AUDIO_EXTENSIONS[ctx.spec.name]
    base = ctx.store.directory(base_kind)
    assert base is not None
    # Like ComfyUI's SaveAudio: one file per item of the batch.
    paths, subfolder = ctx.store.next_paths(base, prefix, extension, int(audio.get("count", 1)))
    seconds = min(float(audio["seconds"]), MAX_AUDIO_SECONDS)
    encoded = await asyncio.to_thread(
        media.encoded_audio, extension, int(audio["channels"]), round(seconds, 2)
    )
    for path in paths:
        path.write_bytes(encoded)
    return {"audio": [{"filename": p.name, "subfolder": subfolder, "type": base_kind} for p in paths]}


async def save_audio(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    return (), await _write_audio(ctx, "output", str(ctx.inputs.get("filename_prefix", "audio/ComfyUI")))


async def preview_audio(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    return (), await _write_audio(ctx, "temp", "ComfyUI" + ctx.store.temp_suffix)


BASIC_BEHAVIOURS: dict[str, Behaviour] = {
    "opaque": opaque,
    "custom": custom,
    "checkpoint": checkpoint,
    "empty_image": empty_image,
    "image_invert": image_invert,
    "image_pass": image_pass,
    "repeat_batch": repeat_batch,
    "empty_latent": empty_latent,
    "empty_audio_latent": empty_audio_latent,
    "sampler": sampler,
    "vae_decode": vae_decode,
    "vae_decode_audio": vae_decode_audio,
    "vae_encode": vae_encode,
    "split_audio": split_audio,
    "save_image": save_image,
    "preview_image": preview_image,
    "save_websocket": save_websocket,
    "save_audio": save_audio,
    "preview_audio": preview_audio,
}
