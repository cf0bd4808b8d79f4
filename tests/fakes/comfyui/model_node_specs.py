"""Model-choosing node classes beyond node_specs.py, shaped like ComfyUI 0.3.64's /object_info (nodes.py).

LoraLoaderModelOnly lists the same loras folder as LoraLoader (catalogue._SHARED_LISTS) and, inheriting
from LoraLoader in nodes.py, repeats its two output tooltips for its one output, as the real server does.
"""

from __future__ import annotations

from .node_specs import FROM_CONFIG, NodeSpec

MODEL_SPECS: dict[str, NodeSpec] = {
    "LoraLoaderModelOnly": NodeSpec(
        "LoraLoaderModelOnly", "LoraLoaderModelOnly", "loaders", "opaque",
        {"model": ["MODEL"], "lora_name": [FROM_CONFIG],
         "strength_model": ["FLOAT", {"default": 1.0, "min": -100.0, "max": 100.0, "step": 0.01}]},
        ["MODEL"],
        description=(
            "LoRAs are used to modify diffusion and CLIP models, altering the way in which latents are "
            "denoised such as applying styles. Multiple LoRA nodes can be linked together."
        ),
        output_tooltips=["The modified diffusion model.", "The modified CLIP model."],
    ),
}  # fmt: skip
