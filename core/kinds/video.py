"""Videos, the kind `/video` makes: a prompt (and optionally a first frame) → a few seconds of video."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from comfy.workflows import graph as g
from comfy.workflows.aspect import AspectRatio, dimensions_for
from comfy.workflows.bind import scale_steps, set_text, text_of
from comfy.workflows.params import Quality
from comfy.workflows.shape import RoleRule, WorkflowShape
from comfy.workflows.template import WorkflowTemplate
from comfy.workflows.video import (
    derive_start_image,
    fit_start_images,
    frame_input,
    frame_step,
    frames_for,
    is_video_latent,
    makes_video,
    seconds_of,
    takes_start_image,
)
from core.kinds.fields import (
    NEGATIVE_MAX_CHARS,
    PROMPT_MAX_CHARS,
    AspectRatioText,
    CleanText,
    KindParams,
    PromptText,
    seed_field,
)
from core.kinds.picture_shape import video_shape
from core.kinds.spec import InputDerivation, JobKind, KindSpec, KindTexts
from core.media.deliverable import discord_videos
from core.texts import Text

VIDEO = JobKind("video")

# What /video offers: long enough for a shot, short enough to finish on one GPU in minutes.
SECONDS_RANGE = (1.0, 10.0)
VIDEO_ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4")
# Wan 2.2 5B's latent is 1/16 of the picture, 32 px steps in ComfyUI; 32 suits every video model.
VIDEO_SIZE_MULTIPLE = 32
DEFAULT_FPS = 24.0


class VideoParams(KindParams):
    """One video request; unset fields keep the template's own length and size."""

    prompt: PromptText = Field(min_length=1, max_length=PROMPT_MAX_CHARS)
    negative_prompt: CleanText | None = Field(default=None, max_length=NEGATIVE_MAX_CHARS)
    seconds: float | None = Field(default=None, ge=SECONDS_RANGE[0], le=SECONDS_RANGE[1])
    aspect_ratio: AspectRatioText | None = None
    quality: Quality = "standard"
    seed: int | None = seed_field()
    # One video per job: a batch of videos would take several times as long for one message.
    count: int = Field(default=1, ge=1, le=1)


VIDEO_SHAPE = WorkflowShape(
    kind=VIDEO,
    roles={
        "samplers": RoleRule("sampler (a node with steps, positive and latent_image inputs, like KSampler)"),
        "prompt": RoleRule(
            "prompt text encoder (like CLIPTextEncode) feeding a sampler's positive input",
            lambda n: bool(g.text_inputs(n)),
            "it has no text input",
        ),
        "latent": RoleRule(
            "video latent (a node with width, height and length, like Wan22ImageToVideoLatent)",
            is_video_latent,
            "it has no width, height and length (frame count) numbers",
        ),
        "seed": RoleRule("node taking a seed (seed or noise_seed on a sampler that adds noise)"),
        "outputs": RoleRule("output node receiving a video or frames (like SaveVideo or SaveWEBM)"),
    },
    recognises=lambda graph, nodes: makes_video(graph, nodes["latent"], nodes["outputs"]),
    sized=True,
    timed=True,
)


def apply_video(template: WorkflowTemplate, graph: dict[str, Any], params: VideoParams) -> dict[str, Any]:
    binding = template.binding
    set_text(graph, binding.prompt_nodes, params.prompt)
    negative = ""
    if binding.negative_nodes:
        if params.negative_prompt is not None:
            set_text(graph, binding.negative_nodes, params.negative_prompt)
        negative = text_of(graph[binding.negative_nodes[0]])
    fps = binding.fps or DEFAULT_FPS  # the analysis of a timed shape always finds one
    first = graph[binding.latent_nodes[0]]
    frames = int(first["inputs"][frame_input(first) or "length"])
    if params.seconds is not None:
        frames = frames_for(params.seconds, fps, frame_step(graph, binding.latent_nodes))
    width, height = int(first["inputs"]["width"]), int(first["inputs"]["height"])
    # A shape asked for, or a picture's own (core.kinds.picture_shape), keeps the workflow's pixel area,
    # the size its model is made for, whatever the picture's: a 4000x3000 photo or a 320x240 one is
    # 1088x832 on Wan 2.2 5B's 1280x704, each side on the grid every video latent takes.
    if params.aspect_ratio is not None:
        area = (binding.base_width or width) * (binding.base_height or height)
        width, height = dimensions_for(AspectRatio.parse(params.aspect_ratio), area, VIDEO_SIZE_MULTIPLE)
    for node_id in binding.latent_nodes:
        inputs, name = graph[node_id]["inputs"], frame_input(graph[node_id])
        if name is not None:
            inputs[name] = frames
        inputs["width"], inputs["height"] = width, height
    steps = binding.steps[params.quality]
    scale_steps(graph, binding.sampler_nodes, steps)
    return {
        "kind": VIDEO,
        "prompt": params.prompt,
        "negative_prompt": negative,
        "aspect_ratio": params.aspect_ratio,  # None: the template's own shape
        "quality": params.quality,
        "seconds": seconds_of(frames, fps),
        "frames": frames,
        "fps": fps,
        "count": 1,
        "width": width,
        "height": height,
        "steps": steps,
    }


def _describe(params: VideoParams) -> str:
    return params.prompt


# A picture given to a text-to-video workflow whose latent takes a start_image becomes its first frame.
# The sampler still denoises everything (strength 1): the picture conditions the video, not its noise.
FIRST_FRAME = InputDerivation(
    derive=lambda graph, roles: _derive_first_frame(graph, roles.latent_nodes),
    default_strength=1.0,
    fits=lambda graph, roles: takes_start_image(graph, roles.latent_nodes),
)


def _derive_first_frame(graph: dict[str, Any], latents: tuple[str, ...]) -> None:
    derive_start_image(graph, latents)


def _fit_first_frame(
    template: WorkflowTemplate, graph: dict[str, Any], params: VideoParams, metadata: dict[str, Any]
) -> bool:
    """The picture (derived or the workflow's own loader) scaled cleanly to the video's grid size; the
    strength stays the request's or the derivation's (False)."""
    fit_start_images(graph, template.binding.latent_nodes)
    return False


def _deliverables(saved: Sequence[Path], metadata: Mapping[str, Any]) -> list[Path]:
    return discord_videos(saved, float(metadata.get("fps") or DEFAULT_FPS))


VIDEO_KIND: KindSpec[VideoParams] = KindSpec(
    kind=VIDEO,
    params=VideoParams,
    shape=VIDEO_SHAPE,
    apply=apply_video,
    default_workflow="video",
    builtin_template="video.json",
    artifact_folder="videos",
    typical_run_s=600.0,
    screened_texts=lambda p: [p.prompt],
    summary=_describe,
    history_summary=lambda p, raw_input: p.prompt or raw_input,
    main_field="prompt",
    texts=KindTexts(noun="video", plural="videos", command="video", mark="🎬"),
    lighter=Text("kinds.video.lighter", "a shorter video or a lower quality"),
    deliverables=_deliverables,
    # Minutes of GPU each: a longer leash, and one at a time per member so nobody fills the servers alone.
    job_timeout_s=30 * 60.0,
    max_running_per_user=1,
    inputs={"image": "optional"},
    derivations={"image": FIRST_FRAME},
    fit_to_picture=video_shape,
    after_inputs=_fit_first_frame,
    extra_templates={"video_i2v": "video_i2v.json"},
)
