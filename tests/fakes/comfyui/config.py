"""Runtime knobs of the fake ComfyUI server; tests flip them while the server runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CHECKPOINTS_KEY = "CheckpointLoaderSimple.ckpt_name"


def default_models() -> dict[str, list[str]]:
    return {
        CHECKPOINTS_KEY: [
            "v1-5-pruned-emaonly-fp16.safetensors",
            "sd_xl_base_1.0.safetensors",
            "sd_xl_refiner_1.0.safetensors",
            "ace_step_v1_3.5b.safetensors",
            "random_sd15.safetensors",
        ],
        # The models of the built-in edit and upscale workflows (core/kinds/templates).
        "UNETLoader.unet_name": [
            "qwen_image_edit_fp8_e4m3fn.safetensors",
            "flux1-dev-kontext_fp8_scaled.safetensors",
            # The built-in video workflows' (Wan 2.2 5B text/image-to-video, 14B image-to-video).
            "wan2.2_ti2v_5B_fp16.safetensors",
            "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
            "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
        ],
        # text_encoders/, which CLIPLoader.clip_name lists too.
        "DualCLIPLoader.clip_name1": [
            "clip_l.safetensors",
            "t5xxl_fp8_e4m3fn_scaled.safetensors",
            "qwen_2.5_vl_7b_fp8_scaled.safetensors",
            "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
        ],
        "VAELoader.vae_name": [
            "qwen_image_vae.safetensors",
            "ae.safetensors",
            "wan2.2_vae.safetensors",
            "wan_2.1_vae.safetensors",
        ],
        "UpscaleModelLoader.model_name": ["RealESRGAN_x4plus.pth", "RealESRGAN_x2plus.pth"],
    }


@dataclass
class FakeConfig:
    """Mutable at runtime: a change applies to the next prompt or message."""

    step_time_s: float = 0.002
    node_time_s: float = 0.0005
    default_steps: int | None = None
    previews: bool = True
    history_delay_s: float = 0.0
    silent_ws: bool = False
    runtime_error_class: str | None = None
    # That class's failure is the GPU running out of memory: torch.OutOfMemoryError, with the message and tips
    # ComfyUI's execution.py gives it, instead of a RuntimeError.
    runtime_error_out_of_memory: bool = False
    # A hostile or broken server: every saved file is reported (executed, history) under this name
    # instead of its own, e.g. "../escape.png" or "/etc/passwd" (the file on disk keeps its name).
    reported_filename: str | None = None
    # Combo choices keyed "Class.input" (checkpoints, or any combo such as "KSampler.sampler_name");
    # "LoadAudio.audio" entries are added to the audio files found in input/.
    models: dict[str, list[str]] = field(default_factory=default_models)
    # Node classes to add (from the optional part of the catalogue) or hide, for capability routing tests.
    # --max-upload-size: the whole request body of an upload (aiohttp answers 413 above it); read when the
    # server starts, like the real one.
    max_upload_size: int = 100 * 1024 * 1024
    # A broken server: every upload is answered with this status (500: the real handler's plain crash page)
    # after its body was read, and nothing is written.
    upload_status: int | None = None
    # A flaky link or proxy: the next N GET /view answers for output/temp files send only half the file,
    # either under the whole file's Content-Length (the connection then closes: "full") or a Content-Length
    # that matches the half sent ("short"); both happen in the wild.
    truncate_outputs: int = 0
    truncated_length: Literal["full", "short"] = "full"
    extra_node_classes: set[str] = field(default_factory=set)
    missing_node_classes: set[str] = field(default_factory=set)
