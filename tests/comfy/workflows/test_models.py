"""Model and LoRA loaders read from the graph, and the LoRA loaders chained in per job."""

import copy
from typing import Any

import pytest

from comfy.workflows.models import (
    LoraUse,
    apply_loras,
    lora_slot,
    model_chain,
    model_needs,
    model_slot,
    set_model,
)
from comfy.workflows.validation import find_problems
from tests.comfy.workflows.graphs import flux_unet, load
from tests.fakes.comfyui.catalogue import Catalogue
from tests.fakes.comfyui.config import FakeConfig, default_models


def _fake_object_info(loras: list[str]) -> dict[str, Any]:
    """What the fake ComfyUI answers to GET /object_info with these LoRAs in its loras folder."""
    catalogue = Catalogue(FakeConfig(models=default_models() | {"LoraLoader.lora_name": loras}))
    return {name: catalogue.object_info(spec) for name in catalogue.names() if (spec := catalogue.get(name))}


def _links_to(graph: dict[str, Any], source: str) -> set[tuple[str, str, int]]:
    return {
        (node_id, name, value[1])
        for node_id, node in graph.items()
        for name, value in node["inputs"].items()
        if isinstance(value, list) and len(value) == 2 and str(value[0]) == source
    }


def test_sd15_model_loader_is_the_checkpoint_and_two_loras_chain_between_it_and_its_consumers() -> None:
    graph = load("txt2img_sd15_api.json")
    assert model_chain(graph, "3") == ("4", ())
    assert model_slot(graph, ["4"]) == ("CheckpointLoaderSimple", "ckpt_name")
    assert lora_slot(graph, ["4"], []) == ("LoraLoader", "lora_name")

    set_model(graph, ["4"], "random_sd15.safetensors")
    added = apply_loras(
        graph, ["4"], [], [LoraUse("ink.safetensors", 0.8), LoraUse("paper.safetensors", -0.5)]
    )

    assert added == ("10", "11")
    assert graph["4"]["inputs"]["ckpt_name"] == "random_sd15.safetensors"
    assert graph["10"]["class_type"] == "LoraLoader"
    assert graph["10"]["inputs"] == {
        "model": ["4", 0], "clip": ["4", 1], "lora_name": "ink.safetensors",
        "strength_model": 0.8, "strength_clip": 0.8,
    }  # fmt: skip
    assert graph["11"]["inputs"]["model"] == ["10", 0]
    assert graph["11"]["inputs"]["clip"] == ["10", 1]
    # The sampler and both encoders now take the last LoRA's outputs; the decoder keeps the VAE.
    assert _links_to(graph, "11") == {("3", "model", 0), ("6", "clip", 1), ("7", "clip", 1)}
    assert _links_to(graph, "4") == {("8", "vae", 2), ("10", "model", 0), ("10", "clip", 1)}
    assert model_chain(graph, "3") == ("4", ("10", "11"))
    assert not find_problems(graph, _fake_object_info(["ink.safetensors", "paper.safetensors"]))


def test_sdxl_loras_apply_to_the_base_and_leave_the_refiner_alone() -> None:
    graph = load("sdxl_base_refiner_api.json")
    refiner_before = copy.deepcopy({k: v for k, v in graph.items() if k in ("11", "12", "15", "16")})
    assert model_chain(graph, "10") == ("4", ())
    assert model_chain(graph, "11") == ("12", ())

    set_model(graph, ["4"], "juggernaut.safetensors")
    apply_loras(graph, ["4"], [], [LoraUse("detail.safetensors", 1.0)])

    assert graph["4"]["inputs"]["ckpt_name"] == "juggernaut.safetensors"
    assert {k: graph[k] for k in refiner_before} == refiner_before
    assert _links_to(graph, "20") == {("10", "model", 0), ("6", "clip", 1), ("7", "clip", 1)}
    assert model_needs(graph) == {
        ("CheckpointLoaderSimple", "ckpt_name", "juggernaut.safetensors"),
        ("CheckpointLoaderSimple", "ckpt_name", "sd_xl_refiner_1.0.safetensors"),
        ("LoraLoader", "lora_name", "detail.safetensors"),
    }


def test_flux_fills_its_lora_loader_then_chains_model_only_loaders_after_it() -> None:
    graph = flux_unet()
    assert model_chain(graph, "3") == ("12", ("30",))
    assert model_slot(graph, ["12"]) == ("UNETLoader", "unet_name")
    assert lora_slot(graph, ["12"], ["30"]) == ("LoraLoaderModelOnly", "lora_name")

    set_model(graph, ["12"], "flux1-schnell.safetensors")
    added = apply_loras(graph, ["12"], ["30"], [LoraUse("a.safetensors", 0.5), LoraUse("b.safetensors", 1.5)])

    assert graph["12"]["inputs"]["unet_name"] == "flux1-schnell.safetensors"
    assert graph["30"]["inputs"] == {"model": ["12", 0], "lora_name": "a.safetensors", "strength_model": 0.5}
    assert added == ("34",)
    assert graph["34"]["class_type"] == "LoraLoaderModelOnly"
    assert graph["34"]["inputs"] == {"model": ["30", 0], "lora_name": "b.safetensors", "strength_model": 1.5}
    assert graph["31"]["inputs"]["model"] == ["34", 0]
    # The text encoder keeps its own CLIP loader.
    assert graph["6"]["inputs"]["clip"] == ["11", 0]


def test_flux_without_a_lora_loader_gets_a_model_only_one() -> None:
    graph = flux_unet(with_lora=False)
    assert lora_slot(graph, ["12"], []) == ("LoraLoaderModelOnly", "lora_name")
    (added,) = apply_loras(graph, ["12"], [], [LoraUse("a.safetensors", 1.0)])
    assert graph[added]["inputs"] == {"model": ["12", 0], "lora_name": "a.safetensors", "strength_model": 1.0}
    assert graph["31"]["inputs"]["model"] == [added, 0]


def test_fewer_loras_than_loaders_leave_the_others_as_the_template_has_them() -> None:
    graph = flux_unet()
    assert apply_loras(graph, ["12"], ["30"], []) == ()
    assert graph == flux_unet()


def test_loras_need_a_model_loader_to_chain_to() -> None:
    graph = load("txt2img_sd15_api.json")
    with pytest.raises(ValueError, match="no model loader"):
        apply_loras(graph, [], [], [LoraUse("a.safetensors", 1.0)])


def test_a_graph_whose_model_comes_from_an_unknown_node_has_no_model_loader() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["4"] = {"class_type": "MysteryModel", "inputs": {"preset": "fast"}}
    assert model_chain(graph, "3") == (None, ())
    assert model_slot(graph, []) is None
    assert lora_slot(graph, [], []) is None
