"""A job's seed is drawn once, by the service, and the graph it posts is bound once, when it is submitted."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from comfy.workflows.bind import RANDOM_SEED_LIMIT
from core.jobs.updates import JobCompleted
from core.kinds import ImageParams
from tests.core.jobs.harness import image_request, running_core
from tests.fakes.comfyui import FakeComfyUI

TEMPLATES = Path(__file__).parents[3] / "core" / "kinds" / "templates"


async def test_every_job_gets_a_fresh_random_seed_unless_one_is_given(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        receipts = [await runtime.service.submit(image_request(user_id=u)) for u in range(5)]
        given = await runtime.service.submit(image_request(user_id=9, seed=7))

    seeds = {receipt.job.seed for receipt in receipts}
    assert len(seeds) == 5
    assert all(seed is not None and 0 <= seed < RANDOM_SEED_LIMIT for seed in seeds)
    assert given.job.seed == 7
    # The seed lives inside the typed parameters, and the graph carries that very seed.
    for receipt in [*receipts, given]:
        assert isinstance(receipt.job.params, ImageParams)
        assert receipt.job.posted_graph is not None
        assert receipt.job.posted_graph["3"]["inputs"]["seed"] == receipt.job.params.seed


async def test_a_job_queued_before_its_workflow_changed_posts_the_graph_it_was_given(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    shutil.copy(TEMPLATES / "txt2img.json", workflows / "mine.json")
    async with running_core(
        database_url, [fake_comfy.url], tmp_path / "data", global_max_running=0, workflows_dir=workflows
    ) as (runtime, _):
        receipt = await runtime.service.submit(replace(image_request(), workflow="mine"))
        submitted_graph = receipt.job.posted_graph

    # The operator edits the workflow while the bot is down: other steps and guidance.
    graph = json.loads((workflows / "mine.json").read_text())
    graph["3"]["inputs"]["steps"] = 99
    graph["3"]["inputs"]["cfg"] = 3.5
    (workflows / "mine.json").write_text(json.dumps(graph))

    async with running_core(database_url, [fake_comfy.url], tmp_path / "data", workflows_dir=workflows) as (
        runtime,
        observer,
    ):
        assert isinstance(await observer.final(receipt.job.id), JobCompleted)

    posted = fake_comfy.prompts_received[-1]["prompt"]
    assert posted == submitted_graph
    assert posted["3"]["inputs"]["cfg"] != 3.5
