"""LoRA loaders, shaped like ComfyUI 0.3.64's /object_info (nodes.py).

LoraLoaderModelOnly lists the same loras folder as LoraLoader (catalogue._SHARED_LISTS) and, inheriting
from LoraLoader in nodes.py, repeats its two output tooltips for its one output, as the real server does.
"""

from __future__ import annotations

from typing import Any

from .node_specs import FROM_CONFIG, NodeSpec

_LORA_DESCRIPTION = (
    "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are denoised "
    "such as applying styles. Multiple LoRA nodes can be linked together."
)
_NEGATIVE = "This value can be negative."
_LORA_OUTPUT_TOOLTIPS = ["The modified diffusion model.", "The modified CLIP model."]


def _strength(tooltip: str | None = None) -> list[Any]:
    options: dict[str, Any] = {"default": 1.0, "min": -100.0, "max": 100.0, "step": 0.01}
    return ["FLOAT", options | ({"tooltip": tooltip} if tooltip else {})]


MODEL_SPECS: dict[str, NodeSpec] = {
    "LoraLoader": NodeSpec(
        "LoraLoader", "Load LoRA", "loaders", "opaque",
        {"model": ["MODEL", {"tooltip": "The diffusion model the LoRA will be applied to."}],
         "clip": ["CLIP", {"tooltip": "The CLIP model the LoRA will be applied to."}],
         "lora_name": [FROM_CONFIG, {"tooltip": "The name of the LoRA."}],
         "strength_model": _strength(f"How strongly to modify the diffusion model. {_NEGATIVE}"),
         "strength_clip": _strength(f"How strongly to modify the CLIP model. {_NEGATIVE}")},
        ["MODEL", "CLIP"],
        description=_LORA_DESCRIPTION,
        output_tooltips=_LORA_OUTPUT_TOOLTIPS,
    ),
    "LoraLoaderModelOnly": NodeSpec(
        "LoraLoaderModelOnly", "LoraLoaderModelOnly", "loaders", "opaque",
        {"model": ["MODEL"], "lora_name": [FROM_CONFIG], "strength_model": _strength()},
        ["MODEL"],
        description=_LORA_DESCRIPTION,
        output_tooltips=_LORA_OUTPUT_TOOLTIPS,
    ),
}  # fmt: skip
