"""A gateway checks a backend's health over HTTP now and then and opens no socket to it, so a restart shorter
than that goes unseen there; the worker, whose socket sees every restart, tells it what the backend offers
now. Without that, a model added in the restart could not be chosen at the gateway until it restarted."""

from __future__ import annotations

from pathlib import Path

from tests.core.jobs.harness import eventually
from tests.e2e.harness import World, job_state, running_world
from tests.e2e.roles_support import worker_running
from tests.e2e.test_model_choice import _suggested
from tests.fakes.comfyui.config import CHECKPOINTS_KEY

FRESH = "fresh-turbo.safetensors"


def offered_at_gateway(world: World) -> bool:
    capabilities = world.runtime.dispatcher.capabilities
    return FRESH in capabilities.choices(world.fake.url, "CheckpointLoaderSimple", "ckpt_name")


async def test_a_model_added_in_a_short_backend_restart_can_be_chosen_at_the_gateway(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        assert await _suggested(world, world.alice, {"prompt": "x", "model": "fresh"}, "model") == []
        models = world.fake.config.models
        models[CHECKPOINTS_KEY] = [*models[CHECKPOINTS_KEY], FRESH]
        await world.fake.restart()

        await eventually(lambda: offered_at_gateway(world), within_s=5)
        assert await _suggested(world, world.alice, {"prompt": "x", "model": "fresh"}, "model") == [FRESH]
        interaction = await world.slash("imagine", {"prompt": "a turbo fox", "model": FRESH})
        message = await world.wait_for_final(interaction)
        assert job_state(message) == "done"
        job = await world.job_for(message)
        assert getattr(job.params, "model", None) == FRESH
