"""A kind's default workflow no backend can run gives way to its fallback: upscales without an upscale model
run the model-free ImageScaleBy workflow instead of being refused."""

from __future__ import annotations

from pathlib import Path

from core.jobs.given_input import GivenInput
from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.kinds import UpscaleParams
from tests.core.jobs.harness import running_core
from tests.fakes.comfyui import FakeConfig, media
from tests.fakes.comfyui.config import default_models
from tests.fixtures.comfyui import FakeComfyFactory


def _upscale(factor: int = 2) -> JobRequest:
    picture = GivenInput(
        role="image", data=media.png(48, 32, 0x336699), declared_name="a.png", origin="attachment"
    )
    return JobRequest(
        guild_id=1,
        requester=Requester(user_id=10, channel_id=101),
        raw_input="",
        params=UpscaleParams(factor=factor),  # type: ignore[call-arg]
        inputs=(picture,),
    )


async def test_upscales_use_the_model_free_workflow_where_no_backend_has_an_upscale_model(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(
        FakeConfig(models=default_models() | {"UpscaleModelLoader.model_name": []})
    )
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, _):
        receipt = await runtime.service.submit(_upscale())

    assert receipt.job.workflow_name == "upscale-basic"
    assert receipt.job.posted_graph is not None
    assert receipt.job.posted_graph["2"]["inputs"]["scale_by"] == 2


async def test_upscales_use_the_model_where_a_backend_has_it(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory()
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, _):
        receipt = await runtime.service.submit(_upscale(4))

    assert receipt.job.workflow_name == "upscale"
    assert receipt.job.posted_graph is not None
    assert receipt.job.posted_graph["4"]["inputs"]["scale_by"] == 1.0
