import copy
import json
from pathlib import Path
from typing import Any

from comfy.workflows.validation import WorkflowProblem, find_problems

from .object_info import object_info

DATA = Path(__file__).parent / "data"


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_txt2img_runs_on_a_backend_that_has_its_checkpoint() -> None:
    assert find_problems(_load("txt2img_sd15_api.json"), object_info(), "txt2img") == []


def test_missing_checkpoint_names_the_node_input_model_and_what_the_backend_offers() -> None:
    info = object_info(checkpoints=["random_sd15.safetensors"])

    problems = find_problems(_load("txt2img_sd15_api.json"), info, "txt2img")

    assert len(problems) == 1
    problem = problems[0]
    assert (problem.workflow, problem.node_id, problem.class_type, problem.input_name) == (
        "txt2img",
        "4",
        "CheckpointLoaderSimple",
        "ckpt_name",
    )
    assert "'v1-5-pruned-emaonly-fp16.safetensors' is not available" in problem.message
    assert "'random_sd15.safetensors'" in problem.message
    assert str(problem).startswith("workflow 'txt2img', node 4 (CheckpointLoaderSimple), input 'ckpt_name': ")


def test_empty_model_folder_is_said_plainly() -> None:
    problems = find_problems(_load("txt2img_sd15_api.json"), object_info(checkpoints=[]), "t")

    assert [p.input_name for p in problems] == ["ckpt_name"]
    assert "no choices at all" in problems[0].message


def test_unknown_node_class_is_reported_with_a_close_match() -> None:
    workflow = _load("txt2img_sd15_api.json")
    workflow["3"]["class_type"] = "KSamplerr"

    problems = find_problems(workflow, object_info(), "mine")

    assert problems == [
        WorkflowProblem(
            "mine",
            "3",
            "KSamplerr",
            None,
            "node class 'KSamplerr' is not installed on this backend"
            " (did you mean KSampler, KSamplerAdvanced?)",
            "node_missing_close",
            {"node_class": "KSamplerr", "close": "KSampler, KSamplerAdvanced"},
        )
    ]


def test_custom_node_class_without_lookalike_suggests_a_missing_custom_node() -> None:
    workflow = {"1": {"class_type": "IPAdapterUnifiedLoader", "inputs": {}}}

    (problem,) = find_problems(workflow, object_info())

    assert "is a custom node missing?" in problem.message


def test_link_to_a_missing_node_lists_the_nodes_that_exist() -> None:
    workflow = _load("txt2img_sd15_api.json")
    workflow["8"]["inputs"]["samples"] = ["99", 0]

    (problem,) = find_problems(workflow, object_info())

    assert (problem.node_id, problem.input_name) == ("8", "samples")
    assert (
        problem.message == "links to node 99, which is not in the workflow (it has nodes 3, 4, 5, 6, 7, 8, 9)"
    )


def test_bad_links_output_index_and_type_are_reported() -> None:
    workflow = _load("txt2img_sd15_api.json")
    workflow["8"]["inputs"]["vae"] = ["4", 7]
    workflow["9"]["inputs"]["images"] = ["3", 0]
    workflow["6"]["inputs"]["clip"] = ["4"]

    problems = {(p.node_id, p.input_name): p.message for p in find_problems(workflow, object_info())}

    assert (
        problems[("8", "vae")]
        == "links to output 7 of node 4 (CheckpointLoaderSimple), which has only 3 output(s)"
    )
    assert problems[("9", "images")] == "receives LATENT from node 3 (KSampler) but expects IMAGE"
    assert problems[("6", "clip")].startswith("malformed link ['4']")


def test_missing_required_input_and_out_of_range_numbers() -> None:
    workflow = _load("txt2img_sd15_api.json")
    del workflow["5"]["inputs"]["width"]
    workflow["5"]["inputs"]["height"] = 99999
    workflow["3"]["inputs"]["steps"] = 0

    problems = {(p.node_id, p.input_name): p.message for p in find_problems(workflow, object_info())}

    assert problems == {
        ("5", "width"): "required input is missing",
        ("5", "height"): "value 99999 is bigger than the maximum 16384",
        ("3", "steps"): "value 0 is smaller than the minimum 1",
    }


def test_unknown_sampler_and_newer_combo_declaration() -> None:
    workflow = _load("txt2img_sd15_api.json")
    workflow["3"]["inputs"]["sampler_name"] = "lcm"
    info = copy.deepcopy(object_info())
    info["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"] = [
        "COMBO",
        {"options": ["other.safetensors"]},
    ]

    problems = {(p.node_id, p.input_name): p.message for p in find_problems(workflow, info)}

    assert set(problems) == {("3", "sampler_name"), ("4", "ckpt_name")}
    assert "'euler', 'euler_ancestral', 'dpmpp_2m'" in problems[("3", "sampler_name")]
    assert "'other.safetensors'" in problems[("4", "ckpt_name")]


def test_nodes_that_are_not_objects_or_lack_a_class() -> None:
    problems = find_problems({"1": [], "2": {"inputs": {}}}, object_info(), "w")

    assert [(p.node_id, p.message) for p in problems] == [
        ("1", "the node is not a JSON object"),
        ("2", "the node has no class_type"),
    ]


def test_a_loaders_file_is_not_checked_against_the_input_folder_the_request_brings_it() -> None:
    info = object_info()
    info["LoadImage"] = {
        "input": {"required": {"image": [["already-there.png"], {"image_upload": True}]}},
        "output": ["IMAGE", "MASK"],
    }
    graph = _load("txt2img_sd15_api.json")
    graph["20"] = {"class_type": "LoadImage", "inputs": {"image": "bot-input:image"}}
    graph["21"] = {"class_type": "LoadImage", "inputs": {"image": "example.png"}}

    assert find_problems(graph, info, "img2img") == []
