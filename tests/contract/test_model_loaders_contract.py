"""Model choice against ComfyUI: the loaders' /object_info as the real 0.3.64 gives it, the checkpoint list
the bot offers from, a graph bound with a chosen checkpoint running, and a LoRA the server lacks refused.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from comfy import errors
from comfy.client import ComfyClient
from comfy.workflows.validation import find_problems
from core.kinds.image import ImageParams
from core.kinds.model_choice import LoraChoice
from tests.contract._model_node_specs import TRACE, specs
from tests.contract._traces import load_workflow
from tests.contract.conftest import CHECKPOINT_NODE, RANDOM_SD15, Target
from tests.core.kinds.workflows import KINDS, make_template

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"models-{uuid.uuid4().hex[:8]}") as started:
        yield started


def _bound(params: ImageParams) -> dict[str, object]:
    """The recorded 64-pixel SD1.5 graph as a workflow, bound by the bot with these parameters."""
    template = make_template(
        "sd15-64", json.dumps(load_workflow("sd15_txt2img_random_ckpt_64px")), source="t"
    )
    return KINDS.bind(
        template, params.model_copy(update={"seed": 7}), filename_prefix="contract/models"
    ).graph


async def test_model_loader_specs_match_the_recorded_ones(
    comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    recorded = json.loads(TRACE.read_text())["specs"]

    assert await specs(http, comfy_target.url) == recorded


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_the_random_checkpoint_is_offered_and_a_graph_bound_with_it_runs(client: ComfyClient) -> None:
    assert RANDOM_SD15 in await client.choices(CHECKPOINT_NODE, "ckpt_name", refresh=True)
    graph = _bound(ImageParams(prompt="a lighthouse", quality="draft", model=RANDOM_SD15))
    assert not any(node["class_type"].startswith("Lora") for node in graph.values())  # type: ignore[index]
    assert find_problems(graph, await client.object_info()) == []

    run = await client.submit(graph, f"models-{uuid.uuid4().hex}")
    completed = await run.result(JOB_TIMEOUT_S)

    assert len(completed.files) == 1


@pytest.mark.checkpoint(RANDOM_SD15)
async def test_a_lora_the_server_lacks_is_refused_on_the_lora_loader(client: ComfyClient) -> None:
    graph = _bound(ImageParams(prompt="a lighthouse", loras=[LoraChoice(name="missing-lora.safetensors")]))
    [problem] = find_problems(graph, await client.object_info())
    assert (problem.class_type, problem.input_name) == ("LoraLoader", "lora_name")

    with pytest.raises(errors.PromptRejected) as refused:
        await client.submit(graph, f"models-{uuid.uuid4().hex}")

    assert [(p.node_id, p.input_name) for p in refused.value.problems] == [(problem.node_id, "lora_name")]
