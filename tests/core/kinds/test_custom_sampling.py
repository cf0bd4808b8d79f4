"""Flux as ComfyUI's own template wires it: SamplerCustomAdvanced with a guider, a noise source and a
scheduler. Read, bound, and turned into image-to-image like any KSampler workflow."""

import json

from comfy.workflows.input_slots import marked_roles
from comfy.workflows.template import WorkflowTemplate
from core.kinds import ImageParams
from tests.comfy.workflows.graphs import flux_custom_sampler, node
from tests.core.kinds.workflows import KINDS, analyse, make_template


def _flux() -> WorkflowTemplate:
    return make_template("flux", json.dumps(flux_custom_sampler()), source="test")


def test_the_custom_sampler_is_read_through_its_guider_noise_and_scheduler() -> None:
    binding = analyse("flux", flux_custom_sampler())

    assert binding.kind == "image"
    assert binding.sampler_nodes == ("13",)
    assert binding.prompt_nodes == ("6",)  # behind BasicGuider and FluxGuidance
    assert binding.negative_nodes == ()
    assert binding.seed_nodes == ("25",)  # RandomNoise
    assert binding.latent_nodes == ("27",)
    assert binding.strength_nodes == ("17",)  # BasicScheduler's denoise
    assert binding.model_nodes == ("12",)  # the UNETLoader behind the guider
    assert binding.steps == {"draft": 10, "standard": 20, "high": 30}  # BasicScheduler's 20


def test_a_cfg_guider_gives_the_negative_prompt_its_encoder() -> None:
    graph = flux_custom_sampler()
    graph["7"] = node("CLIPTextEncode", clip=["11", 0], text="blurry")
    graph["22"] = node("CFGGuider", model=["12", 0], positive=["26", 0], negative=["7", 0], cfg=3.0)

    binding = analyse("flux-cfg", graph)

    assert (binding.prompt_nodes, binding.negative_nodes) == (("6",), ("7",))


def test_binding_sets_prompt_seed_steps_and_size_on_the_nodes_that_hold_them() -> None:
    params = ImageParams(prompt="a fox", seed=42, quality="high", aspect_ratio="16:9", count=2)

    graph = KINDS.bind(_flux(), params).graph

    assert graph["6"]["inputs"]["text"] == "a fox"
    assert graph["25"]["inputs"]["noise_seed"] == 42
    assert graph["17"]["inputs"]["steps"] == 30
    assert (graph["27"]["inputs"]["width"], graph["27"]["inputs"]["height"]) == (1344, 768)
    assert graph["27"]["inputs"]["batch_size"] == 2


def test_an_image_makes_it_image_to_image_with_the_strength_on_the_scheduler() -> None:
    params = ImageParams(prompt="a fox", seed=42, strength=0.45)

    graph = KINDS.bind(_flux(), params, inputs=["image"]).graph

    assert marked_roles(graph) == {"image"}
    assert graph["17"]["inputs"]["denoise"] == 0.45
    encode = graph[graph["13"]["inputs"]["latent_image"][0]]
    assert encode["class_type"] == "VAEEncode"
    assert encode["inputs"]["vae"] == ["10", 0]
