import copy
from typing import Any

import pytest

from comfy.workflows.strength import set_strength, strength_nodes
from tests.comfy.workflows.graphs import ace_step_15, flux_custom_sampler, load, node


def test_ksampler_takes_the_strength_as_denoise() -> None:
    graph = load("txt2img_sd15_api.json")

    assert strength_nodes(graph, ("3",)) == ("3",)
    set_strength(graph, ("3",), 0.35)
    assert graph["3"]["inputs"]["denoise"] == 0.35


def test_sdxl_base_starts_partway_and_the_refiner_is_left_to_continue() -> None:
    graph = load("sdxl_base_refiner_api.json")

    assert strength_nodes(graph, ("10", "11")) == ("10",)
    set_strength(graph, ("10",), 0.6)

    assert graph["10"]["inputs"]["start_at_step"] == 10  # 40% of 25 steps skipped
    assert graph["11"]["inputs"]["start_at_step"] == 20


def test_a_weak_strength_still_leaves_the_base_one_step_to_add_the_noise() -> None:
    graph = load("sdxl_base_refiner_api.json")

    set_strength(graph, ("10",), 0.05)

    assert graph["10"]["inputs"]["start_at_step"] == 19  # the base ends at 20


def test_custom_sampling_takes_the_strength_on_the_scheduler_feeding_its_sigmas() -> None:
    graph = flux_custom_sampler()

    assert strength_nodes(graph, ("13",)) == ("17",)
    set_strength(graph, ("17",), 0.5)
    assert graph["17"]["inputs"]["denoise"] == 0.5


def test_ace_step_ksampler_takes_it_too() -> None:
    assert strength_nodes(ace_step_15(), ("3",)) == ("3",)


@pytest.mark.parametrize("strength", [-0.1, 1.01])
def test_strength_outside_zero_to_one_is_refused(strength: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        set_strength(load("txt2img_sd15_api.json"), ("3",), strength)


def _pixel_hires_fix() -> dict[str, Any]:
    """txt2img, then the picture decoded, scaled 1.5x, encoded again and refined at denoise 0.45."""
    graph = load("txt2img_sd15_api.json")
    graph["20"] = node("VAEDecode", samples=["3", 0], vae=["4", 2])
    graph["21"] = node("ImageScaleBy", image=["20", 0], upscale_method="lanczos", scale_by=1.5)
    graph["22"] = node("VAEEncode", pixels=["21", 0], vae=["4", 2])
    graph["23"] = copy.deepcopy(graph["3"])
    graph["23"]["inputs"] |= {"latent_image": ["22", 0], "denoise": 0.45}
    graph["8"]["inputs"]["samples"] = ["23", 0]
    return graph


def test_a_hires_pass_through_pixels_keeps_its_own_denoise() -> None:
    graph = _pixel_hires_fix()

    assert strength_nodes(graph, ("3", "23")) == ("3",)


def test_a_hires_pass_on_the_latent_keeps_its_own_denoise() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["20"] = node("LatentUpscaleBy", samples=["3", 0], upscale_method="nearest-exact", scale_by=1.5)
    graph["21"] = copy.deepcopy(graph["3"])
    graph["21"]["inputs"] |= {"latent_image": ["20", 0], "denoise": 0.5}

    assert strength_nodes(graph, ("3", "21")) == ("3",)


def test_a_pass_guided_by_another_ones_picture_keeps_its_own_denoise() -> None:
    """The second pass starts from the same empty latent, a ControlNet hint made from the first's picture
    in its conditioning: it is built on the first pass's picture, like a hires fix."""
    graph = load("txt2img_sd15_api.json")
    graph["20"] = node("VAEDecode", samples=["3", 0], vae=["4", 2])
    graph["21"] = node("ControlNetLoader", control_net_name="canny.safetensors")
    graph["22"] = node(
        "ControlNetApply", conditioning=["6", 0], control_net=["21", 0], image=["20", 0], strength=1.0
    )
    graph["23"] = copy.deepcopy(graph["3"])
    graph["23"]["inputs"] |= {"positive": ["22", 0]}
    graph["8"]["inputs"]["samples"] = ["23", 0]

    assert strength_nodes(graph, ("3", "23")) == ("3",)


def test_stable_cascade_stage_b_keeps_its_full_denoise() -> None:
    """ComfyUI's Stable Cascade image-to-image: stage B's latent is the encoder's second output, with no
    sampler behind it, and stage C's result reaches it through its conditioning."""
    graph = {
        "1": node("CheckpointLoaderSimple", ckpt_name="stable_cascade_stage_c.safetensors"),
        "2": node("CheckpointLoaderSimple", ckpt_name="stable_cascade_stage_b.safetensors"),
        "3": node("CLIPTextEncode", clip=["1", 1], text="a fox"),
        "4": node("CLIPTextEncode", clip=["1", 1], text=""),
        "5": node("LoadImage", image="in.png"),
        "6": node("StableCascade_StageC_VAEEncode", image=["5", 0], vae=["1", 2], compression=42),
        "7": node(
            "KSampler", model=["1", 0], seed=1, steps=20, cfg=4, sampler_name="euler_ancestral",
            scheduler="simple", positive=["3", 0], negative=["4", 0], latent_image=["6", 0], denoise=0.6,
        ),
        "8": node("StableCascade_StageB_Conditioning", conditioning=["3", 0], stage_c=["7", 0]),
        "9": node("ConditioningZeroOut", conditioning=["3", 0]),
        "10": node(
            "KSampler", model=["2", 0], seed=1, steps=10, cfg=1.1, sampler_name="euler_ancestral",
            scheduler="simple", positive=["8", 0], negative=["9", 0], latent_image=["6", 1], denoise=1.0,
        ),
        "11": node("VAEDecode", samples=["10", 0], vae=["2", 2]),
        "12": node("SaveImage", images=["11", 0], filename_prefix="ComfyUI"),
    }  # fmt: skip

    assert strength_nodes(graph, ("7", "10")) == ("7",)
