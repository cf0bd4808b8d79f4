"""A new kind of job is cheap: defined here in six places, it runs through the queue to a delivered result.

The toy kind makes photo negatives: a subject drawn, then inverted. Its six places: the params model, the
workflow shape, the binding, the KindSpec, the registry that adds it, and its workflow file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import Field

from comfy.workflows import graph as g
from comfy.workflows.bind import set_text
from comfy.workflows.shape import RoleRule, WorkflowShape
from comfy.workflows.template import WorkflowTemplate
from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.jobs.updates import JobCompleted
from core.kinds import JobKind, KindParams, KindRegistry, KindSpec, KindTexts, default_kinds, spec_of
from core.kinds.fields import count_field, seed_field
from tests.core.jobs.harness import running_core, wait_delivered
from tests.fakes.comfyui import FakeComfyUI

NEGATIVE = JobKind("negative")
TEMPLATES = Path(__file__).parents[3] / "core" / "kinds" / "templates"


# 1. What a user may ask of the kind.
class NegativeParams(KindParams):
    subject: str = Field(min_length=1, max_length=200)
    seed: int | None = seed_field()
    count: int = count_field()


# 2. How its workflows are recognised: an image graph that inverts what it drew.
NEGATIVE_SHAPE = WorkflowShape(
    kind=NEGATIVE,
    roles={
        "samplers": RoleRule("sampler"),
        "prompt": RoleRule("text encoder for the subject"),
        "latent": RoleRule("empty latent image"),
        "seed": RoleRule("node taking a seed"),
        "outputs": RoleRule("output node receiving images"),
    },
    recognises=lambda graph, nodes: any(g.class_of(node) == "ImageInvert" for node in graph.values()),
)


# 3. How its parameters go into the graph.
def apply_negative(
    template: WorkflowTemplate, graph: dict[str, Any], params: NegativeParams
) -> dict[str, Any]:
    set_text(graph, template.binding.prompt_nodes, params.subject)
    for node_id in template.binding.latent_nodes:
        graph[node_id]["inputs"]["batch_size"] = params.count
    return {"kind": NEGATIVE, "subject": params.subject, "count": params.count}


# 4. The kind, described once.
NEGATIVE_KIND: KindSpec[NegativeParams] = KindSpec(
    kind=NEGATIVE,
    params=NegativeParams,
    shape=NEGATIVE_SHAPE,
    apply=apply_negative,
    default_workflow="negative",
    builtin_template=None,
    artifact_folder="negatives",
    typical_run_s=5.0,
    screened_texts=lambda p: [p.subject],
    summary=lambda p: p.subject,
    history_summary=lambda p, raw_input: p.subject,
    main_field="subject",
    texts=KindTexts(noun="negative", plural="negatives", command="negative", mark="🎞️"),
)


# 5. The bot's kinds: the built-in ones and this one.
def kinds_with_negatives() -> KindRegistry:
    return default_kinds().with_kinds(NEGATIVE_KIND)


# 6. Its workflow: the built-in text-to-image graph with an ImageInvert before the save.
def write_negative_workflow(folder: Path) -> None:
    graph = json.loads((TEMPLATES / "txt2img.json").read_text())
    graph["10"] = {"class_type": "ImageInvert", "inputs": {"image": ["8", 0]}}
    graph["9"]["inputs"]["images"] = ["10", 0]
    (folder / "negative.json").write_text(json.dumps(graph))


async def test_a_kind_defined_in_six_places_runs_through_the_queue_to_a_delivered_result(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    write_negative_workflow(workflows)
    kinds = kinds_with_negatives()
    async with running_core(
        database_url, [fake_comfy.url], tmp_path / "data", kinds=kinds, workflows_dir=workflows
    ) as (runtime, observer):
        assert runtime.catalogue.names(NEGATIVE) == ["negative"]
        assert runtime.catalogue.default("image").name == "txt2img", "image workflows are still images"
        request = JobRequest(
            guild_id=1,
            requester=Requester(user_id=10, channel_id=101),
            raw_input="a lighthouse",
            params=NegativeParams(subject="a lighthouse", count=2),
        )
        receipt = await runtime.service.submit(request)
        final = await observer.final(receipt.job.id)
        delivered = await wait_delivered(runtime, receipt.job.id)

    assert isinstance(final, JobCompleted)
    assert len(final.artifacts) == 2
    assert all(a.path.startswith(f"artifacts/negatives/{receipt.job.id}_") for a in final.artifacts)
    assert final.artifacts[0].metadata["subject"] == "a lighthouse"
    assert delivered.kind == NEGATIVE
    assert isinstance(delivered.params, NegativeParams)
    assert spec_of(delivered.params).texts.noun == "negative"
    posted = fake_comfy.prompts_received[-1]["prompt"]
    assert posted["10"]["class_type"] == "ImageInvert"
    assert posted["6"]["inputs"]["text"] == "a lighthouse"
    assert posted["3"]["inputs"]["seed"] == delivered.seed
