"""The video kind: Wan 2.2 graphs read by their links; seconds and shape set on the latent; fps found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from comfy.workflows.errors import WorkflowError
from comfy.workflows.input_slots import input_marker
from comfy.workflows.sidecar import BindingSidecar
from core.kinds import IMAGE, VIDEO, InputMissing, InputNotTaken, VideoParams
from tests.comfy.workflows.graphs import node
from tests.core.kinds.workflows import KINDS, analyse, bind, first_frame, load_workflows, make_template

TEMPLATES = Path(__file__).parents[3] / "core" / "kinds" / "templates"


def wan22_i2v_14b() -> dict[str, Any]:
    """ComfyUI's Wan 2.2 14B image-to-video: WanImageToVideo between the encoders and two samplers."""
    return {
        "37": node("UNETLoader", unet_name="wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors"),
        "56": node("UNETLoader", unet_name="wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors"),
        "38": node("CLIPLoader", clip_name="umt5_xxl_fp8_e4m3fn_scaled.safetensors", type="wan"),
        "39": node("VAELoader", vae_name="wan_2.1_vae.safetensors"),
        "6": node("CLIPTextEncode", text="waves", clip=["38", 0]),
        "7": node("CLIPTextEncode", text="blurry", clip=["38", 0]),
        "62": node("LoadImage", image="start.png"),
        "50": node("WanImageToVideo", positive=["6", 0], negative=["7", 0], vae=["39", 0],
                   start_image=["62", 0], width=640, height=640, length=81, batch_size=1),
        "57": node("KSamplerAdvanced", model=["37", 0], add_noise="enable", noise_seed=1, steps=20, cfg=3.5,
                   sampler_name="euler", scheduler="simple", positive=["50", 0], negative=["50", 1],
                   latent_image=["50", 2], start_at_step=0, end_at_step=10,
                   return_with_leftover_noise="enable"),
        "58": node("KSamplerAdvanced", model=["56", 0], add_noise="disable", noise_seed=1, steps=20, cfg=3.5,
                   sampler_name="euler", scheduler="simple", positive=["50", 0], negative=["50", 1],
                   latent_image=["57", 0], start_at_step=10, end_at_step=10000,
                   return_with_leftover_noise="disable"),
        "8": node("VAEDecode", samples=["58", 0], vae=["39", 0]),
        "60": node("CreateVideo", images=["8", 0], fps=16.0),
        "61": node("SaveVideo", video=["60", 0], filename_prefix="video/x", format="auto", codec="auto"),
    }  # fmt: skip


def builtin_graph() -> dict[str, Any]:
    graph: dict[str, Any] = json.loads((TEMPLATES / "video.json").read_text())
    return graph


def test_the_builtin_wan22_5b_template_is_the_default_video_workflow() -> None:
    template = load_workflows().default(VIDEO)
    binding = template.binding

    assert template.name == "video"
    assert template.graph["55"]["class_type"] == "Wan22ImageToVideoLatent"
    assert template.graph["58"]["class_type"] == "SaveVideo"
    assert (binding.prompt_nodes, binding.negative_nodes, binding.latent_nodes) == (("6",), ("7",), ("55",))
    assert binding.output_nodes == ("58",)
    assert binding.fps == 24.0
    assert (binding.base_width, binding.base_height) == (1280, 704)


def test_seconds_become_the_nearest_length_of_4k_plus_1_frames_at_the_workflow_fps() -> None:
    template = load_workflows().default(VIDEO)

    bound = bind(template, VideoParams(prompt="a fox in snow", seconds=3, seed=9))

    latent = bound.graph["55"]["inputs"]
    assert latent["length"] == 73  # 3 s x 24 fps = 72 frames, and Wan wants 4k+1
    assert bound.metadata["frames"] == 73
    assert bound.metadata["fps"] == 24.0
    assert bound.metadata["seconds"] == pytest.approx(73 / 24, abs=0.01)
    assert bound.graph["6"]["inputs"]["text"] == "a fox in snow"
    assert bound.graph["3"]["inputs"]["seed"] == 9


def test_without_seconds_or_shape_the_template_keeps_its_own() -> None:
    bound = bind(load_workflows().default(VIDEO), VideoParams(prompt="rain"))

    latent = bound.graph["55"]["inputs"]
    assert (latent["width"], latent["height"], latent["length"]) == (1280, 704, 121)
    assert bound.metadata["seconds"] == pytest.approx(121 / 24, abs=0.01)


def test_an_aspect_ratio_keeps_the_pixel_area_in_multiples_of_32() -> None:
    bound = bind(load_workflows().default(VIDEO), VideoParams(prompt="rain", aspect_ratio="9:16"))

    latent = bound.graph["55"]["inputs"]
    assert (latent["width"], latent["height"]) == (704, 1280)
    assert latent["width"] % 32 == 0
    assert latent["height"] % 32 == 0


def test_quality_scales_every_sampler_of_a_two_stage_wan_graph() -> None:
    template = make_template("i2v", json.dumps(wan22_i2v_14b()), source="test")

    params = VideoParams(prompt="waves", quality="draft", seconds=2, seed=3)
    bound = KINDS.bind(template, params, inputs=["image"])

    assert template.kind == VIDEO
    assert template.binding.fps == 16.0
    assert template.binding.latent_nodes == ("50",)
    assert template.binding.prompt_nodes == ("6",)
    assert template.binding.negative_nodes == ("7",)
    assert bound.graph["57"]["inputs"]["steps"] == 10
    assert bound.graph["57"]["inputs"]["end_at_step"] == 5
    assert bound.graph["58"]["inputs"]["start_at_step"] == 5
    assert bound.graph["50"]["inputs"]["length"] == 33


def test_frames_saved_as_webm_take_their_fps_from_the_saver() -> None:
    graph = builtin_graph()
    del graph["57"], graph["58"]
    graph["9"] = node("SaveWEBM", images=["8", 0], filename_prefix="w", codec="vp9", fps=12.0, crf=32.0)

    binding = analyse("webm", graph)

    assert (binding.kind, binding.fps, binding.output_nodes) == (VIDEO, 12.0, ("9",))


def test_a_video_graph_without_a_frame_rate_is_refused_until_a_sidecar_gives_one() -> None:
    graph = builtin_graph()
    del graph["57"], graph["58"]
    graph["9"] = node("SaveImage", images=["8", 0], filename_prefix="frames")

    with pytest.raises(WorkflowError) as caught:
        analyse("frames", graph)
    assert "no frame rate found" in caught.value.detail
    assert '"fps": 24' in caught.value.detail

    binding = analyse("frames", graph, BindingSidecar.model_validate({"defaults": {"fps": 8}}))
    assert (binding.kind, binding.fps) == (VIDEO, 8.0)


def ltxv_frames() -> dict[str, Any]:
    """A user's LTX-Video graph (ComfyUI 0.3.64's nodes_lt.py): the frame rate on LTXVConditioning, and the
    frames saved as a batch of PNGs, which the bot turns into the video."""
    return {
        "1": node("CheckpointLoaderSimple", ckpt_name="ltx-video-2b-v0.9.5.safetensors"),
        "38": node("CLIPLoader", clip_name="t5xxl_fp16.safetensors", type="ltxv", device="default"),
        "6": node("CLIPTextEncode", text="a lake", clip=["38", 0]),
        "7": node("CLIPTextEncode", text="blurry", clip=["38", 0]),
        "69": node("LTXVConditioning", positive=["6", 0], negative=["7", 0], frame_rate=25.0),
        "70": node("EmptyLTXVLatentVideo", width=768, height=512, length=97, batch_size=1),
        "3": node("KSampler", model=["1", 0], seed=1, steps=30, cfg=3.0, sampler_name="euler",
                  scheduler="simple", positive=["69", 0], negative=["69", 1], latent_image=["70", 0],
                  denoise=1.0),
        "8": node("VAEDecode", samples=["3", 0], vae=["1", 2]),
        "9": node("SaveImage", images=["8", 0], filename_prefix="ltxv"),
    }  # fmt: skip


def test_a_users_ltxv_graph_saving_frames_is_bound_by_its_length_frame_rate_and_size() -> None:
    template = make_template("ltxv", json.dumps(ltxv_frames()), source="test")

    bound = bind(template, VideoParams(prompt="a lake at dawn", seconds=2, aspect_ratio="1:1"))

    assert template.kind == VIDEO
    assert (template.binding.latent_nodes, template.binding.output_nodes) == (("70",), ("9",))
    assert template.binding.fps == 25.0, "LTXVConditioning's frame_rate"
    latent = bound.graph["70"]["inputs"]
    assert latent["length"] == 49, "2 s x 25 fps = 50 frames, as LTXV's 8k+1"
    assert (latent["width"], latent["height"]) == (640, 640), "1:1 keeping the 768x512 area, 32 px steps"
    assert bound.graph["6"]["inputs"]["text"] == "a lake at dawn"
    assert (bound.metadata["frames"], bound.metadata["fps"], bound.metadata["seconds"]) == (49, 25.0, 1.96)


def test_an_image_graph_is_not_a_video() -> None:
    template = load_workflows().default(IMAGE)

    assert template.kind == IMAGE
    assert template.binding.fps is None


@pytest.mark.parametrize("seconds", [0.5, 10.5, -1])
def test_seconds_outside_one_to_ten_are_refused(seconds: float) -> None:
    with pytest.raises(ValidationError, match="seconds"):
        VideoParams(prompt="a fox", seconds=seconds)


def test_one_video_per_job() -> None:
    with pytest.raises(ValidationError, match="count"):
        VideoParams(prompt="a fox", count=2)


def test_a_picture_given_to_the_text_to_video_template_becomes_its_first_frame() -> None:
    template = load_workflows().default(VIDEO)

    bound = KINDS.bind(template, VideoParams(prompt="the cat wakes up", seed=1), inputs=["image"])

    scaler, loader = first_frame(bound.graph, "55")
    assert loader["inputs"]["image"] == input_marker("image")
    assert (scaler["inputs"]["width"], scaler["inputs"]["height"]) == (1280, 704), "the video's own size"
    assert bound.graph["3"]["inputs"]["denoise"] == 1.0, "the picture conditions the video; nothing is kept"
    assert bound.metadata["inputs"] == ["image"]
    assert "start_image" not in template.graph["55"]["inputs"], "the template itself is untouched"


def test_the_image_to_video_template_needs_its_picture() -> None:
    template = load_workflows().get("video_i2v")

    with pytest.raises(InputMissing, match="needs an image"):
        KINDS.bind(template, VideoParams(prompt="waves", seed=1))
    bound = KINDS.bind(template, VideoParams(prompt="waves", seed=1), inputs=["image"])
    assert bound.graph["62"]["inputs"]["image"] == input_marker("image")


def test_a_video_latent_without_a_start_image_input_takes_no_picture() -> None:
    graph = builtin_graph()
    graph["55"]["class_type"] = "EmptyHunyuanLatentVideo"
    template = make_template("hunyuan", json.dumps(graph), source="test")

    with pytest.raises(InputNotTaken, match="doesn't take an image"):
        KINDS.bind(template, VideoParams(prompt="waves", seed=1), inputs=["image"])
