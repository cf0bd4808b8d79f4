"""A backend's ``GET /object_info`` for the classes our templates use, shaped like ComfyUI 0.3.64's answer."""

from __future__ import annotations

from typing import Any

SAMPLERS = ["euler", "euler_ancestral", "dpmpp_2m"]
SCHEDULERS = ["normal", "karras", "simple"]


def _node(
    required: dict[str, Any], output: list[str], optional: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "input": {"required": required, "optional": optional or {}},
        "output": output,
        "output_node": not output,
    }


def _int(default: int, low: int, high: int) -> list[Any]:
    return ["INT", {"default": default, "min": low, "max": high}]


def _float(default: float, low: float, high: float) -> list[Any]:
    return ["FLOAT", {"default": default, "min": low, "max": high}]


def object_info(checkpoints: list[str] | None = None) -> dict[str, Any]:
    """Object info of a backend whose checkpoint folder holds ``checkpoints``."""
    ckpts = checkpoints if checkpoints is not None else ["v1-5-pruned-emaonly-fp16.safetensors"]
    sampler_inputs = {
        "model": ["MODEL"],
        "cfg": _float(8.0, 0.0, 100.0),
        "sampler_name": [SAMPLERS, {}],
        "scheduler": [SCHEDULERS, {}],
        "positive": ["CONDITIONING"],
        "negative": ["CONDITIONING"],
        "latent_image": ["LATENT"],
    }
    return {
        "CheckpointLoaderSimple": _node({"ckpt_name": [ckpts, {}]}, ["MODEL", "CLIP", "VAE"]),
        "EmptyLatentImage": _node(
            {
                "width": _int(512, 16, 16384),
                "height": _int(512, 16, 16384),
                "batch_size": _int(1, 1, 4096),
            },
            ["LATENT"],
        ),
        "CLIPTextEncode": _node(
            {"text": ["STRING", {"multiline": True}], "clip": ["CLIP"]}, ["CONDITIONING"]
        ),
        "KSampler": _node(
            {
                **sampler_inputs,
                "seed": _int(0, 0, 2**64 - 1),
                "steps": _int(20, 1, 10000),
                "denoise": _float(1.0, 0.0, 1.0),
            },
            ["LATENT"],
        ),
        "KSamplerAdvanced": _node(
            {
                **sampler_inputs,
                "add_noise": [["enable", "disable"], {}],
                "noise_seed": _int(0, 0, 2**64 - 1),
                "steps": _int(20, 1, 10000),
                "start_at_step": _int(0, 0, 10000),
                "end_at_step": _int(10000, 0, 10000),
                "return_with_leftover_noise": [["disable", "enable"], {}],
            },
            ["LATENT"],
        ),
        "VAEDecode": _node({"samples": ["LATENT"], "vae": ["VAE"]}, ["IMAGE"]),
        "SaveImage": _node({"images": ["IMAGE"], "filename_prefix": ["STRING", {"default": "ComfyUI"}]}, []),
        "TextEncodeAceStepAudio": _node(
            {
                "clip": ["CLIP"],
                "tags": ["STRING", {"multiline": True}],
                "lyrics": ["STRING", {"multiline": True}],
                "lyrics_strength": _float(1.0, 0.0, 10.0),
            },
            ["CONDITIONING"],
        ),
        "EmptyAceStepLatentAudio": _node(
            {"seconds": _float(120.0, 1.0, 1000.0), "batch_size": _int(1, 1, 4096)}, ["LATENT"]
        ),
        "ConditioningZeroOut": _node({"conditioning": ["CONDITIONING"]}, ["CONDITIONING"]),
        "ModelSamplingSD3": _node({"model": ["MODEL"], "shift": _float(3.0, 0.0, 100.0)}, ["MODEL"]),
        "LatentOperationTonemapReinhard": _node(
            {"multiplier": _float(1.0, 0.0, 100.0)}, ["LATENT_OPERATION"]
        ),
        "LatentApplyOperationCFG": _node({"model": ["MODEL"], "operation": ["LATENT_OPERATION"]}, ["MODEL"]),
        "VAEDecodeAudio": _node({"samples": ["LATENT"], "vae": ["VAE"]}, ["AUDIO"]),
        "SaveAudioMP3": _node(
            {
                "audio": ["AUDIO"],
                "filename_prefix": ["STRING", {"default": "audio/ComfyUI"}],
                "quality": [["V0", "128k", "320k"], {}],
            },
            [],
        ),
    }
