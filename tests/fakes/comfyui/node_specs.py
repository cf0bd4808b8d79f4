"""Node class specs shaped like ComfyUI 0.3.64's /object_info (inputs, outputs, flags).

Written from the recorded traces (error bodies quote several specs verbatim) and public node signatures;
`kind` says which behaviour (behaviours.py) runs the class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_RESOLUTION = 16384
SEED_MAX = 0xFFFFFFFFFFFFFFFF

SAMPLERS = [
    "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2", "dpm_2",
    "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_2s_ancestral_cfg_pp",
    "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu",
    "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm", "lcm", "ipndm",
    "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
    "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp", "er_sde",
    "seeds_2", "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc", "uni_pc_bh2",
]  # fmt: skip
SCHEDULERS = [
    "simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal", "linear_quadratic",
    "kl_optimal",
]  # fmt: skip
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")
AUDIO_EXTENSIONS = (
    ".wav",
    ".mp3",
    ".ogg",
    ".flac",
    ".aiff",
    ".aif",
    ".m4a",
    ".opus",
    ".mp4",
    ".webm",
    ".mkv",
)

# TextEncodeAceStepAudio1.5's keyscale choices, as comfy_extras/nodes_ace.py builds them: no Cb, Fb, E#, B#.
ACE_KEYSCALES = [
    f"{root} {quality}"
    for quality in ("major", "minor")
    for root in ("C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb",
                 "B")
]  # fmt: skip

HIDDEN_PROMPT = {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}
HIDDEN_UNIQUE = {"unique_id": "UNIQUE_ID"}


class _FromConfig:
    """Placeholder for a combo whose choices come only from config.models (and input/ for LoadAudio)."""


FROM_CONFIG = _FromConfig()


@dataclass
class NodeSpec:
    name: str
    display_name: str
    category: str
    kind: str
    required: dict[str, list[Any]]
    outputs: list[str] = field(default_factory=list)
    output_names: list[str] | None = None
    optional: dict[str, list[Any]] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)
    output_node: bool = False
    description: str = ""
    python_module: str = "nodes"
    output_tooltips: list[str] | None = None
    always_changed: bool = False  # IS_CHANGED returns a new value every run: never cached
    only_when_configured: bool = False
    # Inputs checked by the class's own VALIDATE_INPUTS instead of the combo list -> the error it returns
    # (ComfyUI then reports custom_validation_failed and skips the min/max/list checks for that input).
    custom_checks: dict[str, str] = field(default_factory=dict)
    # The input naming a file in input/ (its content is part of the cache key, like IS_CHANGED's hash).
    file_input: str | None = None
    # Declared with the V3 schema (comfy_api io.ComfyNode): /object_info shows it differently (catalogue.py).
    v3: bool = False
    experimental: bool = False


def _int(default: int, lo: int, hi: int, step: int | None = None, **extra: Any) -> list[Any]:
    opts: dict[str, Any] = {"default": default, "min": lo, "max": hi}
    if step is not None:
        opts["step"] = step
    opts.update(extra)
    return ["INT", opts]


def _float(default: float, lo: float, hi: float, step: float, **extra: Any) -> list[Any]:
    return ["FLOAT", {"default": default, "min": lo, "max": hi, "step": step, **extra}]


def _string(default: str | None = None, multiline: bool = False, **extra: Any) -> list[Any]:
    opts: dict[str, Any] = {}
    if multiline:
        opts.update({"multiline": True, "dynamicPrompts": True})
    if default is not None:
        opts["default"] = default
    opts.update(extra)
    return ["STRING", opts]


def _link(io_type: str, tooltip: str | None = None) -> list[Any]:
    return [io_type, {"tooltip": tooltip}] if tooltip else [io_type]


def _sampler_inputs(seed_name: str) -> dict[str, list[Any]]:
    return {
        "model": _link("MODEL", "The model used for denoising the input latent."),
        seed_name: _int(0, 0, SEED_MAX, control_after_generate=True,
                        tooltip="The random seed used for creating the noise."),
        "steps": _int(20, 1, 10000, tooltip="The number of steps used in the denoising process."),
        "cfg": _float(8.0, 0.0, 100.0, 0.1, round=0.01, tooltip="The Classifier-Free Guidance scale."),
        "sampler_name": [SAMPLERS, {"tooltip": "The algorithm used when sampling."}],
        "scheduler": [SCHEDULERS, {"tooltip": "The scheduler controls how noise is gradually removed."}],
        "positive": _link("CONDITIONING", "The conditioning describing the attributes you want to include."),
        "negative": _link("CONDITIONING", "The conditioning describing the attributes you want to exclude."),
        "latent_image": _link("LATENT", "The latent image to denoise."),
    }  # fmt: skip


def _save_audio(name: str, display: str, quality: list[str] | None, default_quality: str | None) -> NodeSpec:
    required: dict[str, list[Any]] = {
        "audio": _link("AUDIO"),
        "filename_prefix": _string("audio/ComfyUI"),
    }
    if quality is not None:
        required["quality"] = [quality, {"default": default_quality}]
    return NodeSpec(
        name, display, "audio", "save_audio", required, hidden=dict(HIDDEN_PROMPT),
        output_node=True, python_module="comfy_extras.nodes_audio",
    )  # fmt: skip


def _build() -> list[NodeSpec]:
    ksampler = _sampler_inputs("seed")
    ksampler["denoise"] = _float(1.0, 0.0, 1.0, 0.01, tooltip="The amount of denoising applied.")
    advanced = _sampler_inputs("noise_seed")
    advanced = {
        "model": advanced["model"],
        "add_noise": [["enable", "disable"]],
        **{k: v for k, v in advanced.items() if k != "model"},
        "start_at_step": _int(0, 0, 10000),
        "end_at_step": _int(10000, 0, 10000),
        "return_with_leftover_noise": [["disable", "enable"]],
    }
    audio_module = "comfy_extras.nodes_audio"
    ace_module = "comfy_extras.nodes_ace"
    return [
        NodeSpec(
            "CheckpointLoaderSimple", "Load Checkpoint", "loaders", "checkpoint",
            {"ckpt_name": [FROM_CONFIG,
                           {"tooltip": "The name of the checkpoint (model) to load."}]},
            ["MODEL", "CLIP", "VAE"],
            description="Loads a diffusion model checkpoint, diffusion models are used to denoise latents.",
            output_tooltips=["The model used for denoising latents.",
                             "The CLIP model used for encoding text prompts.",
                             "The VAE model used for encoding and decoding images to and from latent space."],
        ),
        NodeSpec(
            "CLIPTextEncode", "CLIP Text Encode (Prompt)", "conditioning", "opaque",
            {"text": _string(multiline=True, tooltip="The text to be encoded."),
             "clip": _link("CLIP", "The CLIP model used for encoding the text.")},
            ["CONDITIONING"],
        ),
        NodeSpec(
            "EmptyLatentImage", "Empty Latent Image", "latent", "empty_latent",
            {"width": _int(512, 16, MAX_RESOLUTION, 8, tooltip="The width of the latent images in pixels."),
             "height": _int(512, 16, MAX_RESOLUTION, 8, tooltip="The height of the latent images in pixels."),
             "batch_size": _int(1, 1, 4096, tooltip="The number of latent images in the batch.")},
            ["LATENT"],
        ),
        NodeSpec("KSampler", "KSampler", "sampling", "sampler", ksampler, ["LATENT"]),
        NodeSpec("KSamplerAdvanced", "KSampler (Advanced)", "sampling", "sampler", advanced, ["LATENT"]),
        NodeSpec(
            "VAEDecode", "VAE Decode", "latent", "vae_decode",
            {"samples": _link("LATENT", "The latent to be decoded."),
             "vae": _link("VAE", "The VAE model used for decoding the latent.")},
            ["IMAGE"],
        ),
        NodeSpec(
            "SaveImage", "Save Image", "image", "save_image",
            {"images": _link("IMAGE", "The images to save."),
             "filename_prefix": _string("ComfyUI", tooltip="The prefix for the file to save.")},
            hidden=dict(HIDDEN_PROMPT), output_node=True,
            description="Saves the input images to your ComfyUI output directory.",
        ),
        NodeSpec("PreviewImage", "Preview Image", "image", "preview_image", {"images": _link("IMAGE")},
                 hidden=dict(HIDDEN_PROMPT), output_node=True,
                 description="Saves the input images to your ComfyUI output directory."),
        NodeSpec("SaveImageWebsocket", "SaveImageWebsocket", "api node/image", "save_websocket",
                 {"images": _link("IMAGE")}, output_node=True,
                 python_module="custom_nodes.websocket_image_save", always_changed=True),
        NodeSpec(
            "EmptyImage", "EmptyImage", "image", "empty_image",
            {"width": _int(512, 1, MAX_RESOLUTION, 1), "height": _int(512, 1, MAX_RESOLUTION, 1),
             "batch_size": _int(1, 1, 4096), "color": _int(0, 0, 0xFFFFFF, 1, display="color")},
            ["IMAGE"],
        ),
        NodeSpec("RepeatImageBatch", "RepeatImageBatch", "image/batch", "repeat_batch",
                 {"image": _link("IMAGE"), "amount": _int(1, 1, 4096)}, ["IMAGE"],
                 python_module="comfy_extras.nodes_images"),
        NodeSpec("ImageInvert", "Invert Image", "image", "image_invert", {"image": _link("IMAGE")},
                 ["IMAGE"]),
        NodeSpec("ImageBlur", "Image Blur", "image/postprocessing", "image_pass",
                 {"image": _link("IMAGE"), "blur_radius": _int(1, 1, 31, 1),
                  "sigma": _float(1.0, 0.1, 10.0, 0.1)},
                 ["IMAGE"], python_module="comfy_extras.nodes_post_processing"),
        NodeSpec("ImageScaleBy", "Upscale Image By", "image/upscaling", "image_scale_by",
                 {"image": _link("IMAGE"),
                  "upscale_method": [["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]],
                  "scale_by": _float(1.0, 0.01, 8.0, 0.01)},
                 ["IMAGE"]),
        NodeSpec("LoadAudio", "Load Audio", "audio", "load_audio",
                 {"audio": [FROM_CONFIG, {"audio_upload": True}]}, ["AUDIO"],
                 python_module=audio_module, custom_checks={"audio": "Invalid audio file: {value}"},
                 file_input="audio"),
        NodeSpec("LoadImage", "Load Image", "image", "load_image",
                 {"image": [FROM_CONFIG, {"image_upload": True}]}, ["IMAGE", "MASK"],
                 custom_checks={"image": "Invalid image file: {value}"}, file_input="image"),
        NodeSpec("LoadImageMask", "Load Image (as Mask)", "mask", "load_image_mask",
                 {"image": [FROM_CONFIG, {"image_upload": True}],
                  "channel": [["alpha", "red", "green", "blue"]]},
                 ["MASK"], custom_checks={"image": "Invalid image file: {value}"}, file_input="image"),
        NodeSpec("VAEEncodeAudio", "VAE Encode Audio", "latent/audio", "vae_encode_audio",
                 {"audio": _link("AUDIO"), "vae": _link("VAE")}, ["LATENT"], python_module=audio_module),
        NodeSpec("VAEEncode", "VAE Encode", "latent", "vae_encode",
                 {"pixels": _link("IMAGE"), "vae": _link("VAE")}, ["LATENT"]),
        _save_audio("SaveAudio", "Save Audio (FLAC)", None, None),
        _save_audio("SaveAudioMP3", "Save Audio (MP3)", ["V0", "128k", "320k"], "V0"),
        _save_audio("SaveAudioOpus", "Save Audio (Opus)", ["64k", "96k", "128k", "192k", "320k"], "128k"),
        NodeSpec("PreviewAudio", "Preview Audio", "audio", "preview_audio", {"audio": _link("AUDIO")},
                 hidden=dict(HIDDEN_PROMPT), output_node=True, python_module=audio_module),
        NodeSpec("SplitAudioChannels", "Split Audio Channels", "audio", "split_audio",
                 {"audio": _link("AUDIO")}, ["AUDIO", "AUDIO"], ["left", "right"],
                 python_module=audio_module),
        NodeSpec("TextEncodeAceStepAudio", "TextEncodeAceStepAudio", "conditioning", "opaque",
                 {"clip": _link("CLIP"), "tags": _string(multiline=True), "lyrics": _string(multiline=True),
                  "lyrics_strength": _float(1.0, 0.0, 10.0, 0.01)},
                 ["CONDITIONING"], python_module=ace_module),
        NodeSpec("EmptyAceStepLatentAudio", "EmptyAceStepLatentAudio", "latent/audio", "empty_audio_latent",
                 {"seconds": _float(120.0, 1.0, 1000.0, 0.1),
                  "batch_size": _int(1, 1, 4096, tooltip="The number of latent images in the batch.")},
                 ["LATENT"], python_module=ace_module),
        NodeSpec("ConditioningZeroOut", "ConditioningZeroOut", "advanced/conditioning", "opaque",
                 {"conditioning": _link("CONDITIONING")}, ["CONDITIONING"]),
        NodeSpec("ModelSamplingSD3", "ModelSamplingSD3", "advanced/model", "opaque",
                 {"model": _link("MODEL"), "shift": _float(3.0, 0.0, 100.0, 0.01)}, ["MODEL"],
                 python_module="comfy_extras.nodes_model_advanced"),
        NodeSpec("LatentApplyOperationCFG", "LatentApplyOperationCFG", "latent/advanced/operations", "opaque",
                 {"model": _link("MODEL"), "operation": _link("LATENT_OPERATION")}, ["MODEL"],
                 python_module="comfy_extras.nodes_lt"),
        NodeSpec("LatentOperationTonemapReinhard", "LatentOperationTonemapReinhard",
                 "latent/advanced/operations", "opaque", {"multiplier": _float(1.0, 0.0, 100.0, 0.01)},
                 ["LATENT_OPERATION"], python_module="comfy_extras.nodes_lt"),
        NodeSpec("VAELoader", "Load VAE", "loaders", "opaque", {"vae_name": [FROM_CONFIG]}, ["VAE"]),
        NodeSpec("UNETLoader", "Load Diffusion Model", "advanced/loaders", "opaque",
                 {"unet_name": [FROM_CONFIG],
                  "weight_dtype": [["default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"]]},
                 ["MODEL"]),
        NodeSpec("DualCLIPLoader", "DualCLIPLoader", "advanced/loaders", "opaque",
                 {"clip_name1": [FROM_CONFIG], "clip_name2": [FROM_CONFIG],
                  "type": [["sdxl", "sd3", "flux", "hunyuan_video", "hidream", "ace"]]},
                 ["CLIP"], optional={"device": [["default", "cpu"], {"advanced": True}]}),
        NodeSpec("ModelSamplingAuraFlow", "ModelSamplingAuraFlow", "advanced/model", "opaque",
                 {"model": _link("MODEL"), "shift": _float(1.73, 0.0, 100.0, 0.01)}, ["MODEL"],
                 python_module="comfy_extras.nodes_model_advanced"),
        NodeSpec("VAEDecodeAudio", "VAE Decode Audio", "latent/audio", "vae_decode_audio",
                 {"samples": _link("LATENT"), "vae": _link("VAE")}, ["AUDIO"], python_module=audio_module),
        NodeSpec(
            "TextEncodeAceStepAudio1.5", "TextEncodeAceStepAudio1.5", "conditioning", "opaque",
            {"clip": _link("CLIP"), "tags": _string(multiline=True), "lyrics": _string(multiline=True),
             "seed": _int(0, 0, SEED_MAX, control_after_generate=True), "bpm": _int(120, 10, 300),
             "duration": _float(120.0, 0.0, 2000.0, 0.1),
             "timesignature": [["2", "3", "4", "6"], {"default": "4"}],
             "language": [["en", "ja", "zh", "es", "de", "fr", "pt", "ru", "it", "nl", "pl", "tr", "vi", "cs",
                           "fa", "id", "ko", "uk", "hu", "ar", "sv", "ro", "el"], {"default": "en"}],
             "keyscale": [ACE_KEYSCALES, {"default": "C major"}],
             "generate_audio_codes": ["BOOLEAN", {"default": True}],
             "cfg_scale": _float(2.0, 0.0, 100.0, 0.1), "temperature": _float(0.85, 0.0, 2.0, 0.01),
             "top_p": _float(0.9, 0.0, 2000.0, 0.01), "top_k": _int(0, 0, 100)},
            ["CONDITIONING"], python_module=ace_module, only_when_configured=True,
        ),
        NodeSpec("EmptyAceStep1.5LatentAudio", "Empty Ace Step 1.5 Latent Audio", "latent/audio",
                 "empty_audio_latent",
                 {"seconds": _float(120.0, 1.0, 1000.0, 0.01),
                  "batch_size": _int(1, 1, 4096, tooltip="The number of latent images in the batch.")},
                 ["LATENT"], python_module=ace_module, only_when_configured=True),
    ]  # fmt: skip


ALL_SPECS: dict[str, NodeSpec] = {spec.name: spec for spec in _build()}
