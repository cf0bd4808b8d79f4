"""Workflow documents for the tests: the shipped templates' copies and small synthetic graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def node(class_type: str, **inputs: Any) -> dict[str, Any]:
    return {"class_type": class_type, "inputs": inputs}


def ace_step_15() -> dict[str, Any]:
    """ACE-Step 1.5 text-to-music as in ComfyUI's newer templates (encoder with bpm, key, time, duration)."""
    return {
        "1": node("CheckpointLoaderSimple", ckpt_name="ace_step_1.5_turbo_aio.safetensors"),
        "2": node("ModelSamplingAuraFlow", model=["1", 0], shift=3),
        "94": node(
            "TextEncodeAceStepAudio1.5",
            clip=["1", 1],
            tags="pop",
            lyrics="[inst]",
            seed=0,
            bpm=120,
            duration=30.0,
            timesignature="4",
            language="en",
            keyscale="C major",
            generate_audio_codes=True,
            cfg_scale=2.0,
            temperature=0.85,
            top_p=0.9,
            top_k=0,
        ),
        "47": node("ConditioningZeroOut", conditioning=["94", 0]),
        "98": node("EmptyAceStep1.5LatentAudio", seconds=30.0, batch_size=1),
        "3": node(
            "KSampler",
            model=["2", 0],
            seed=1,
            steps=8,
            cfg=1,
            sampler_name="euler",
            scheduler="simple",
            positive=["94", 0],
            negative=["47", 0],
            latent_image=["98", 0],
            denoise=1,
        ),
        "18": node("VAEDecodeAudio", samples=["3", 0], vae=["1", 2]),
        "104": node("SaveAudioMP3", audio=["18", 0], filename_prefix="audio/ComfyUI", quality="V0"),
    }


def custom_nodes_txt2img() -> dict[str, Any]:
    """A txt2img whose prompt reaches the sampler through a custom node the analysis cannot cross."""
    graph = load("txt2img_sd15_api.json")
    graph["20"] = node("StylePromptMixer", first=["6", 0], second=["21", 0])
    graph["21"] = node("StyleLoader", style="cinematic")
    graph["3"]["inputs"]["positive"] = ["20", 0]
    return graph


def flux_unet(*, with_lora: bool = True) -> dict[str, Any]:
    """Flux dev as ComfyUI's examples wire it: UNETLoader (+ a LoraLoaderModelOnly) → ModelSamplingFlux,
    text from a separate DualCLIPLoader through FluxGuidance, a zeroed negative, an SD3 latent."""
    model_source = ["30", 0] if with_lora else ["12", 0]
    graph = {
        "12": node("UNETLoader", unet_name="flux1-dev.safetensors", weight_dtype="default"),
        "11": node("DualCLIPLoader", clip_name1="t5xxl_fp16.safetensors", clip_name2="clip_l.safetensors",
                   type="flux"),
        "10": node("VAELoader", vae_name="ae.safetensors"),
        "31": node("ModelSamplingFlux", model=model_source, max_shift=1.15, base_shift=0.5, width=1024,
                   height=1024),
        "6": node("CLIPTextEncode", text="a fox", clip=["11", 0]),
        "26": node("FluxGuidance", conditioning=["6", 0], guidance=3.5),
        "33": node("ConditioningZeroOut", conditioning=["6", 0]),
        "27": node("EmptySD3LatentImage", width=1024, height=1024, batch_size=1),
        "3": node("KSampler", model=["31", 0], seed=1, steps=20, cfg=1.0, sampler_name="euler",
                  scheduler="simple", positive=["26", 0], negative=["33", 0], latent_image=["27", 0],
                  denoise=1),
        "8": node("VAEDecode", samples=["3", 0], vae=["10", 0]),
        "9": node("SaveImage", images=["8", 0], filename_prefix="flux"),
    }  # fmt: skip
    if with_lora:
        graph["30"] = node("LoraLoaderModelOnly", model=["12", 0], lora_name="detail.safetensors",
                           strength_model=0.8)  # fmt: skip
    return graph


def flux_custom_sampler() -> dict[str, Any]:
    """Flux-dev text-to-image as ComfyUI's template wires it: SamplerCustomAdvanced fed by a guider,
    a noise source, a sampler choice and a scheduler's sigmas."""
    return {
        "6": node("CLIPTextEncode", clip=["11", 0], text="a cat"),
        "8": node("VAEDecode", samples=["13", 0], vae=["10", 0]),
        "9": node("SaveImage", images=["8", 0], filename_prefix="ComfyUI"),
        "10": node("VAELoader", vae_name="ae.safetensors"),
        "11": node(
            "DualCLIPLoader",
            clip_name1="t5xxl_fp16.safetensors",
            clip_name2="clip_l.safetensors",
            type="flux",
        ),
        "12": node("UNETLoader", unet_name="flux1-dev.safetensors", weight_dtype="default"),
        "13": node(
            "SamplerCustomAdvanced",
            noise=["25", 0],
            guider=["22", 0],
            sampler=["16", 0],
            sigmas=["17", 0],
            latent_image=["27", 0],
        ),
        "16": node("KSamplerSelect", sampler_name="euler"),
        "17": node("BasicScheduler", model=["12", 0], scheduler="simple", steps=20, denoise=1),
        "22": node("BasicGuider", model=["12", 0], conditioning=["26", 0]),
        "25": node("RandomNoise", noise_seed=1),
        "26": node("FluxGuidance", conditioning=["6", 0], guidance=3.5),
        "27": node("EmptySD3LatentImage", width=1024, height=1024, batch_size=1),
    }
