"""Video nodes of ComfyUI 0.3.64 (comfy_extras/nodes_wan.py, nodes_video.py, nodes_images.py) in the fake.

A video latent is a LATENT whose ``count`` is its frames (times its batch), so VAEDecode hands on one
IMAGE per frame as the real decoder does; CreateVideo makes a VIDEO value; the savers write real files
(video_media.py) and report them as ComfyUI's PreviewVideo does: ``{"images": [...], "animated": [true]}``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import video_media
from .behaviours import Behaviour, NodeContext, Outputs, Ui, Value, _work
from .node_specs import HIDDEN_PROMPT, MAX_RESOLUTION, NodeSpec, _float, _int, _link, _string

_WAN = "comfy_extras.nodes_wan"
_VIDEO = "comfy_extras.nodes_video"
_IMAGES = "comfy_extras.nodes_images"


def video_specs() -> list[NodeSpec]:
    batch = _int(1, 1, 4096)
    return [
        NodeSpec("Wan22ImageToVideoLatent", "Wan22ImageToVideoLatent", "conditioning/inpaint", "video_latent",
                 {"vae": _link("VAE"), "width": _int(1280, 32, MAX_RESOLUTION, 32),
                  "height": _int(704, 32, MAX_RESOLUTION, 32), "length": _int(49, 1, MAX_RESOLUTION, 4),
                  "batch_size": batch},
                 ["LATENT"], optional={"start_image": _link("IMAGE")}, python_module=_WAN),
        NodeSpec("WanImageToVideo", "WanImageToVideo", "conditioning/video_models", "wan_image_to_video",
                 {"positive": _link("CONDITIONING"), "negative": _link("CONDITIONING"), "vae": _link("VAE"),
                  "width": _int(832, 16, MAX_RESOLUTION, 16), "height": _int(480, 16, MAX_RESOLUTION, 16),
                  "length": _int(81, 1, MAX_RESOLUTION, 4), "batch_size": batch},
                 ["CONDITIONING", "CONDITIONING", "LATENT"], ["positive", "negative", "latent"],
                 optional={"clip_vision_output": _link("CLIP_VISION_OUTPUT"), "start_image": _link("IMAGE")},
                 python_module=_WAN),
        NodeSpec("ImageBatch", "Batch Images", "image", "image_batch",
                 {"image1": _link("IMAGE"), "image2": _link("IMAGE")}, ["IMAGE"]),
        NodeSpec("CreateVideo", "Create Video", "image/video", "create_video",
                 {"images": _link("IMAGE", "The images to create a video from."),
                  "fps": _float(30.0, 1.0, 120.0, 1.0)},
                 ["VIDEO"], optional={"audio": _link("AUDIO", "The audio to add to the video.")},
                 python_module=_VIDEO),
        NodeSpec("SaveVideo", "Save Video", "image/video", "save_video",
                 {"video": _link("VIDEO", "The video to save."),
                  "filename_prefix": _string("video/ComfyUI"),
                  "format": [["auto", "mp4"], {"default": "auto"}],
                  "codec": [["auto", "h264"], {"default": "auto"}]},
                 hidden=dict(HIDDEN_PROMPT), output_node=True, python_module=_VIDEO),
        NodeSpec("SaveWEBM", "SaveWEBM", "image/video", "save_video",
                 {"images": _link("IMAGE"), "filename_prefix": _string("ComfyUI"),
                  "codec": [["vp9", "av1"]], "fps": _float(24.0, 0.01, 1000.0, 0.01),
                  "crf": _float(32.0, 0, 63.0, 1)},
                 hidden=dict(HIDDEN_PROMPT), output_node=True, python_module=_VIDEO),
        NodeSpec("SaveAnimatedWEBP", "SaveAnimatedWEBP", "image/animation", "save_video",
                 {"images": _link("IMAGE"), "filename_prefix": _string("ComfyUI"),
                  "fps": _float(6.0, 0.01, 1000.0, 0.01), "lossless": ["BOOLEAN", {"default": True}],
                  "quality": _int(80, 0, 100), "method": [["default", "fastest", "slowest"]]},
                 hidden=dict(HIDDEN_PROMPT), output_node=True, python_module=_IMAGES),
        NodeSpec("SaveAnimatedPNG", "SaveAnimatedPNG", "image/animation", "save_video",
                 {"images": _link("IMAGE"), "filename_prefix": _string("ComfyUI"),
                  "fps": _float(6.0, 0.01, 1000.0, 0.01), "compress_level": _int(4, 0, 9)},
                 hidden=dict(HIDDEN_PROMPT), output_node=True, python_module=_IMAGES),
    ]  # fmt: skip


def _latent(ctx: NodeContext) -> Value:
    i = ctx.inputs
    latent: Value = {"kind": "LATENT", "width": i["width"], "height": i["height"]}
    latent["count"] = int(i["length"]) * int(i["batch_size"])
    start = i.get("start_image")
    if isinstance(start, dict):  # the first frame carries the picture; the fake keeps its colour
        latent["start_color"] = start.get("color", 0)
    return latent


async def video_latent(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    return (_latent(ctx),), None


async def wan_image_to_video(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    positive = {"kind": "CONDITIONING", "node": ctx.node_id}
    return (positive, dict(positive), _latent(ctx)), None


async def image_batch(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    """image2 after image1, at image1's size (the fake's pictures keep the first one's colour)."""
    await _work(ctx)
    first, second = ctx.inputs["image1"], ctx.inputs["image2"]
    return ({**first, "count": int(first["count"]) + int(second["count"])},), None


async def create_video(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    images = ctx.inputs["images"]
    video: Value = {"kind": "VIDEO", "fps": float(ctx.inputs["fps"]), "frames": int(images["count"])}
    video.update(width=images["width"], height=images["height"], color=images["color"])
    return (video,), None


# Class -> (file extension, how it is written): SaveVideo's "auto" is MP4 with H.264, as in ComfyUI.
_FILES = {
    "SaveVideo": ("mp4", "mp4"),
    "SaveWEBM": ("webm", "webm"),
    "SaveAnimatedWEBP": ("webp", "WEBP"),
    "SaveAnimatedPNG": ("png", "PNG"),
}


async def save_video(ctx: NodeContext) -> tuple[Outputs, Ui | None]:
    await _work(ctx)
    source: dict[str, Any] = ctx.inputs.get("video") or ctx.inputs["images"]
    frames = int(source.get("frames", source.get("count", 1)))
    fps = float(source.get("fps", ctx.inputs.get("fps", 24.0)))
    width, height = video_media.capped_size(int(source["width"]), int(source["height"]))
    extension, writer = _FILES[ctx.spec.name]
    args = (writer, width, height, int(source["color"]), frames, fps)
    if writer in ("mp4", "webm"):
        data = await asyncio.to_thread(video_media.encoded_video, *args)
    else:
        data = await asyncio.to_thread(video_media.animation, *args)
    base = ctx.store.directory("output")
    assert base is not None
    prefix = str(ctx.inputs.get("filename_prefix", "ComfyUI"))
    (path,), subfolder = ctx.store.next_paths(base, prefix, extension, 1)
    path.write_bytes(data)
    saved = [{"filename": path.name, "subfolder": subfolder, "type": "output"}]
    ui: dict[str, Any] = {"images": saved, "animated": [True]}
    return (), ui


VIDEO_BEHAVIOURS: dict[str, Behaviour] = {
    "video_latent": video_latent,
    "wan_image_to_video": wan_image_to_video,
    "image_batch": image_batch,
    "create_video": create_video,
    "save_video": save_video,
}
