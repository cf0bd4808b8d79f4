"""A workflow's problems are found once for the backends that describe its node classes alike."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import comfy.workflows.alike_backends as alike_backends
from comfy.workflows.alike_backends import ProblemsOnAlikeBackends
from comfy.workflows.validation import find_problems
from tests.comfy.workflows.graphs import load
from tests.comfy.workflows.object_info import object_info


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The object_info of every check really made."""
    made: list[dict[str, Any]] = []

    def counted(workflow: Any, info: dict[str, Any], name: str = "") -> Any:
        made.append(info)
        return find_problems(workflow, info, name)

    monkeypatch.setattr(alike_backends, "find_problems", counted)
    return made


def test_backends_alike_are_checked_once_and_each_gets_the_same_answer(checks: list[dict[str, Any]]) -> None:
    graph = load("txt2img_sd15_api.json")
    farm = [object_info(["other.safetensors"]) for _ in range(8)]  # copies, not one object
    memo = ProblemsOnAlikeBackends()
    found = [memo.find("txt2img", graph, info) for info in farm]
    assert len(checks) == 1
    assert found == [find_problems(graph, farm[0], "txt2img")] * 8
    assert found[0]  # the graph's checkpoint is not offered: a problem, shared by all


def test_a_backend_unlike_the_others_in_a_class_the_workflow_uses_is_checked_for_itself(
    checks: list[dict[str, Any]],
) -> None:
    graph = load("txt2img_sd15_api.json")
    lacking, offering = object_info(["other.safetensors"]), object_info()
    memo = ProblemsOnAlikeBackends()
    assert memo.find("txt2img", graph, lacking)
    assert memo.find("txt2img", graph, offering) == []
    assert memo.find("txt2img", graph, copy.deepcopy(offering)) == []
    assert len(checks) == 2


def test_a_difference_in_a_class_the_workflow_does_not_use_changes_nothing(
    checks: list[dict[str, Any]],
) -> None:
    graph = load("txt2img_sd15_api.json")
    plain, extended = object_info(), object_info()
    extended["SomeCustomNode"] = {"input": {"required": {}}, "output": [], "output_node": True}
    memo = ProblemsOnAlikeBackends()
    assert memo.find("txt2img", graph, plain) == memo.find("txt2img", graph, extended) == []
    assert len(checks) == 1


def test_a_missing_class_is_checked_on_every_backend_for_its_own_advice(checks: list[dict[str, Any]]) -> None:
    graph = load("txt2img_sd15_api.json")
    first, second = object_info(), object_info()
    del first["KSampler"], second["KSampler"]
    second["KSampler2"] = first["CLIPTextEncode"]
    memo = ProblemsOnAlikeBackends()
    found = [memo.find("txt2img", graph, info) for info in (first, second)]
    assert len(checks) == 2
    assert found == [find_problems(graph, info, "txt2img") for info in (first, second)]
    assert found[0] != found[1]  # the second suggests the class it has
