"""Submitting under pressure: bursts cannot pass the queue cap; whatever was typed can be stored."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from core.errors import LimitReached
from tests.core.jobs.harness import image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory


async def test_a_burst_of_concurrent_requests_cannot_pass_the_queue_cap(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.5, default_steps=20))  # nothing finishes
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, _):
        await runtime.guild_policies.update(1, {"max_queued_per_user": 2, "max_running_per_user": 1})
        outcomes = await asyncio.gather(
            *(runtime.service.submit(image_request(user_id=7, prompt=f"burst {n}")) for n in range(12)),
            return_exceptions=True,
        )
        accepted = [o for o in outcomes if not isinstance(o, BaseException)]
        refused = [o for o in outcomes if isinstance(o, LimitReached)]
        assert len(accepted) + len(refused) == len(outcomes), [
            o for o in outcomes if isinstance(o, Exception)
        ]
        assert 2 <= len(accepted) <= 3, f"{len(accepted)} accepted: at most 2 queued + 1 running"
        for receipt in accepted:
            await runtime.service.cancel(
                receipt.job.id, guild_id=1, requester=image_request(user_id=7).requester
            )


async def test_a_prompt_typed_with_nul_characters_is_stored_without_them(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.5, default_steps=20))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, _):
        request = image_request(prompt="a cat")
        typed = replace(request, raw_input="a\x00 cat\x00")
        receipt = await runtime.service.submit(typed)
        stored = await runtime.service.get(receipt.job.id, guild_id=1)
        assert stored is not None
        assert stored.raw_input == "a cat"
        await runtime.service.cancel(receipt.job.id, guild_id=1, requester=request.requester)
