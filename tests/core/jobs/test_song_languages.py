"""A song's language is accepted when the backends' ACE-Step 1.5 encoder lists it: a newer ComfyUI offers
more than the 23 every version does (read from /object_info, as models are); before any backend answered,
the 23 are what is accepted."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from core.jobs.service import JobRequest
from core.kinds.song import SongParams
from core.prompts import PromptError
from tests.comfy.workflows.graphs import ace_step_15
from tests.core.jobs.harness import running_core, song_request
from tests.fakes.comfyui import FakeComfyUI
from tests.fakes.comfyui.config import CHECKPOINTS_KEY

JAPANESE = "[verse]\n君の笑顔が見たくて"


def _asking(language: str) -> JobRequest:
    request = song_request(lyrics=JAPANESE)
    params = SongParams.model_validate({**request.params.model_dump(), "language": language})
    return replace(request, params=params, workflow="ace15")


@pytest.fixture
def workflows(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "ace15.json").write_text(json.dumps(ace_step_15()))
    return folder


def _ace_15_backend(fake: FakeComfyUI, languages: list[str]) -> None:
    fake.config.extra_node_classes |= {"TextEncodeAceStepAudio1.5", "EmptyAceStep1.5LatentAudio"}
    fake.config.models[CHECKPOINTS_KEY].append("ace_step_1.5_turbo_aio.safetensors")
    fake.config.models["TextEncodeAceStepAudio1.5.language"] = languages


async def test_a_language_the_backends_encoder_lists_beyond_the_first_23_is_sung_in(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path, workflows: Path
) -> None:
    _ace_15_backend(fake_comfy, ["en", "ja", "yue", "unknown"])
    async with running_core(database_url, [fake_comfy.url], tmp_path / "data", workflows_dir=workflows) as (
        runtime,
        _,
    ):
        receipt = await runtime.service.submit(_asking("yue"))
        with pytest.raises(PromptError, match="'xx' is not a language songs are sung in here") as refused:
            await runtime.service.submit(_asking("xx"))

    assert receipt.job.posted_graph is not None
    assert receipt.job.posted_graph["94"]["inputs"]["language"] == "yue"
    assert receipt.job.seed_document is not None
    assert receipt.job.seed_document["language"] == "yue"
    [problem] = refused.value.problems
    assert problem.field == "language"
    assert "yue" in problem.message, "the choices named are the backend's"


async def test_before_any_backend_answered_only_the_23_every_encoder_takes_are_accepted(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path, workflows: Path
) -> None:
    _ace_15_backend(fake_comfy, ["en", "ja", "yue"])
    await fake_comfy.kill()
    async with running_core(
        database_url, [fake_comfy.url], tmp_path / "data", workflows_dir=workflows, start_wait_s=0.0
    ) as (runtime, _):
        with pytest.raises(PromptError, match="'yue' is not a language songs are sung in here"):
            await runtime.service.submit(_asking("yue"))
        receipt = await runtime.service.submit(_asking("pt"))

    assert receipt.job.params.language == "pt"  # type: ignore[attr-defined]
