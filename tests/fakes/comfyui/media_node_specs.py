"""Node classes that edit, resize and upscale pictures, shaped like ComfyUI 0.3.64's /object_info.

Sources: nodes.py (ImageScale, ImagePadForOutpaint, VAEEncodeForInpaint, RepeatLatentBatch, CLIPLoader),
comfy_extras/nodes_upscale_model.py, nodes_qwen.py, nodes_flux.py, nodes_edit_model.py, nodes_cfg.py,
nodes_post_processing.py.
"""

from __future__ import annotations

from .node_specs import FROM_CONFIG, MAX_RESOLUTION, NodeSpec, _float, _int, _link, _string

_METHODS = [["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]]
_SIDES = ("left", "top", "right", "bottom")
_CLIP_TYPES = [
    "stable_diffusion", "stable_cascade", "sd3", "stable_audio", "mochi", "ltxv", "pixart", "cosmos",
    "lumina2",
    "wan", "hidream", "chroma", "ace", "omnigen2", "qwen_image", "hunyuan_image",
]  # fmt: skip

_CLIP_RECIPES = (
    "[Recipes]\n\nstable_diffusion: clip-l\nstable_cascade: clip-g\nsd3: t5 xxl/ clip-g / clip-l\n"
    "stable_audio: t5 base\nmochi: t5 xxl\ncosmos: old t5 xxl\nlumina2: gemma 2 2B\nwan: umt5 xxl\n "
    "hidream: llama-3.1 (Recommend) or t5\nomnigen2: qwen vl 2.5 3B"
)

MEDIA_SPECS: dict[str, NodeSpec] = {
    spec.name: spec
    for spec in [
        NodeSpec("ImageScale", "Upscale Image", "image/upscaling", "image_scale",
                 {"image": _link("IMAGE"), "upscale_method": _METHODS,
                  "width": _int(512, 0, MAX_RESOLUTION, 1), "height": _int(512, 0, MAX_RESOLUTION, 1),
                  "crop": [["disabled", "center"]]},
                 ["IMAGE"]),
        NodeSpec("ImagePadForOutpaint", "Pad Image for Outpainting", "image", "pad_for_outpaint",
                 {"image": _link("IMAGE"), **{side: _int(0, 0, MAX_RESOLUTION, 8) for side in _SIDES},
                  "feathering": _int(40, 0, MAX_RESOLUTION, 1)},
                 ["IMAGE", "MASK"]),
        NodeSpec("VAEEncodeForInpaint", "VAE Encode (for Inpainting)", "latent/inpaint", "vae_encode",
                 {"pixels": _link("IMAGE"), "vae": _link("VAE"), "mask": _link("MASK"),
                  "grow_mask_by": _int(6, 0, 64, 1)},
                 ["LATENT"]),
        NodeSpec("ImageScaleToTotalPixels", "ImageScaleToTotalPixels", "image/upscaling",
                 "image_total_pixels",
                 {"image": _link("IMAGE"), "upscale_method": _METHODS,
                  "megapixels": _float(1.0, 0.01, 16.0, 0.01)},
                 ["IMAGE"], python_module="comfy_extras.nodes_post_processing", v3=True),
        NodeSpec("RepeatLatentBatch", "Repeat Latent Batch", "latent/batch", "repeat_latent",
                 {"samples": _link("LATENT"), "amount": _int(1, 1, 64)}, ["LATENT"]),
        NodeSpec("UpscaleModelLoader", "Load Upscale Model", "loaders", "upscale_model_loader",
                 {"model_name": [FROM_CONFIG]}, ["UPSCALE_MODEL"],
                 python_module="comfy_extras.nodes_upscale_model", v3=True),
        NodeSpec("ImageUpscaleWithModel", "Upscale Image (using Model)", "image/upscaling",
                 "image_upscale_model",
                 {"upscale_model": _link("UPSCALE_MODEL"), "image": _link("IMAGE")}, ["IMAGE"],
                 python_module="comfy_extras.nodes_upscale_model", v3=True),
        NodeSpec("CLIPLoader", "Load CLIP", "advanced/loaders", "opaque",
                 {"clip_name": [FROM_CONFIG], "type": [_CLIP_TYPES]}, ["CLIP"],
                 optional={"device": [["default", "cpu"], {"advanced": True}]}, description=_CLIP_RECIPES),
        NodeSpec("CFGNorm", "CFGNorm", "advanced/guidance", "opaque",
                 {"model": _link("MODEL"), "strength": _float(1.0, 0.0, 100.0, 0.01)}, ["MODEL"],
                 output_names=["patched_model"], python_module="comfy_extras.nodes_cfg", v3=True,
                 experimental=True),
        NodeSpec("TextEncodeQwenImageEdit", "TextEncodeQwenImageEdit", "advanced/conditioning", "opaque",
                 {"clip": _link("CLIP"), "prompt": _string(multiline=True)},
                 ["CONDITIONING"], optional={"vae": _link("VAE"), "image": _link("IMAGE")},
                 python_module="comfy_extras.nodes_qwen", v3=True),
        NodeSpec("FluxGuidance", "FluxGuidance", "advanced/conditioning/flux", "opaque",
                 {"conditioning": _link("CONDITIONING"), "guidance": _float(3.5, 0.0, 100.0, 0.1)},
                 ["CONDITIONING"], python_module="comfy_extras.nodes_flux", v3=True),
        NodeSpec("FluxKontextImageScale", "FluxKontextImageScale", "advanced/conditioning/flux",
                 "kontext_scale",
                 {"image": _link("IMAGE")}, ["IMAGE"], python_module="comfy_extras.nodes_flux", v3=True,
                 description="This node resizes the image to one that is more optimal for flux kontext."),
        NodeSpec("ReferenceLatent", "ReferenceLatent", "advanced/conditioning/edit_models", "opaque",
                 {"conditioning": _link("CONDITIONING")}, ["CONDITIONING"],
                 optional={"latent": _link("LATENT")}, python_module="comfy_extras.nodes_edit_model", v3=True,
                 description=(
                     "This node sets the guiding latent for an edit model. If the model supports it you can "
                     "chain multiple to set multiple reference images."
                 )),
    ]
}  # fmt: skip
