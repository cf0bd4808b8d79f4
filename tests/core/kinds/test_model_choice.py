"""/imagine's model and LoRAs: checked parameters, found loaders, and what binding puts in the graph."""

import json

import pytest
from pydantic import ValidationError

from comfy.workflows.errors import WorkflowError
from comfy.workflows.sidecar import parse_sidecar
from core.errors import UserFacingError
from core.kinds.image import ImageParams
from core.kinds.model_choice import LoraChoice, chosen_models
from core.kinds.song import SongParams
from tests.comfy.workflows.graphs import flux_unet, load
from tests.core.kinds.workflows import KINDS, analyse, bind, builtin_templates, make_template


def _txt2img():  # type: ignore[no-untyped-def]
    return next(t for t in builtin_templates() if t.name == "txt2img")


def test_the_builtin_txt2img_names_its_checkpoint_loader_and_has_no_lora_loader() -> None:
    roles = _txt2img().binding
    assert roles.model_nodes == ("4",)
    assert roles.lora_nodes == ()


def test_flux_analysis_finds_the_unet_loader_and_its_lora_loader() -> None:
    roles = analyse("flux", flux_unet())
    assert (roles.model_nodes, roles.lora_nodes) == (("12",), ("30",))


def test_a_sidecar_names_model_and_lora_loaders() -> None:
    graph = flux_unet()
    sidecar = parse_sidecar("flux", json.dumps({"nodes": {"loras": []}}), kinds=KINDS.kinds)
    assert analyse("flux", graph, sidecar).lora_nodes == ()
    wrong = parse_sidecar("flux", json.dumps({"nodes": {"model": ["6"]}}), kinds=KINDS.kinds)
    with pytest.raises(WorkflowError, match=r"node 6 \(CLIPTextEncode\) cannot be the 'model'"):
        analyse("flux", graph, wrong)


def test_binding_sets_model_and_loras_and_the_seed_document_records_them() -> None:
    params = ImageParams(
        prompt="a fox",
        model="random_sd15.safetensors",
        loras=[LoraChoice(name="ink.safetensors", weight=0.6)],
    )
    bound = bind(_txt2img(), params)
    graph = bound.graph
    assert graph["4"]["inputs"]["ckpt_name"] == "random_sd15.safetensors"
    lora = next(node for node in graph.values() if node["class_type"] == "LoraLoader")
    assert lora["inputs"]["lora_name"] == "ink.safetensors"
    assert lora["inputs"]["strength_clip"] == 0.6
    assert bound.metadata["model"] == "random_sd15.safetensors"
    assert bound.metadata["loras"] == [{"name": "ink.safetensors", "weight": 0.6}]


def test_without_a_choice_the_graph_and_seed_document_are_as_before() -> None:
    bound = bind(_txt2img(), ImageParams(prompt="a fox"))
    assert bound.graph["4"]["inputs"]["ckpt_name"] == _txt2img().graph["4"]["inputs"]["ckpt_name"]
    assert "model" not in bound.metadata
    assert "loras" not in bound.metadata
    assert not any(node["class_type"] == "LoraLoader" for node in bound.graph.values())


def test_a_workflow_without_a_model_loader_refuses_a_model_in_words() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["4"] = {"class_type": "MysteryModelLoader", "inputs": {"preset": "fast"}}
    template = make_template("mystery", json.dumps(graph), source="test")
    with pytest.raises(UserFacingError, match="no model loader"):
        bind(template, ImageParams(prompt="a fox", model="x.safetensors"))
    with pytest.raises(UserFacingError, match="no model loader I can add LoRAs to"):
        bind(template, ImageParams(prompt="a fox", loras=[LoraChoice(name="a.safetensors")]))


@pytest.mark.parametrize(
    ("loras", "message"),
    [
        ([{"name": "a", "weight": 2.5}], "less than or equal to 2"),
        ([{"name": "a", "weight": -2.01}], "greater than or equal to -2"),
        ([{"name": n} for n in "abcde"], "at most 4 items"),
        ([{"name": "a"}, {"name": "a", "weight": 0.5}], "each LoRA may be given once"),
        ([{"name": "   "}], "file name of 1 to 200"),
        ([{"name": "a\x07b"}], "file name of 1 to 200"),
    ],
)
def test_lora_choices_are_checked(loras: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ImageParams(prompt="a fox", loras=loras)  # type: ignore[arg-type]


def test_names_are_trimmed_and_stored_params_read_back() -> None:
    params = ImageParams(prompt="a fox", model="  sd.safetensors ", loras=[{"name": " a ", "weight": -2}])  # type: ignore[list-item]
    assert chosen_models(params) == ("sd.safetensors", (LoraChoice(name="a", weight=-2.0),))
    assert KINDS.parse("image", params.model_dump(mode="json")) == params


def test_kinds_without_the_fields_choose_nothing() -> None:
    assert chosen_models(SongParams(genre="pop")) == (None, ())
