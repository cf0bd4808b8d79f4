"""A server's settings changed at a gateway hold at once in the workers too, as they do in the one-process
bot: a worker that had read them before (its cache) hears of the change instead of waiting for the cache to
age. Content safety shows why it matters: a server that starts holding flagged results back must not have
the next one shown."""

from __future__ import annotations

from pathlib import Path

from core.safety.checker import SafetyConfig
from tests.core.safety.stand_in import MarkerClassifier, seed_colour
from tests.discord_emulator import Message
from tests.discord_emulator.layout import gallery_items, is_spoiler
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import World, job_state
from tests.e2e.roles_support import worker_running
from tests.e2e.test_history_support import answer
from tests.e2e.test_settings import settings

FLAGGED_SEED = 7


async def _flagged(world: World) -> Message:
    interaction = await world.slash("imagine", {"prompt": "a lighthouse", "seed": FLAGGED_SEED})
    return await world.wait_for_final(interaction)


async def test_a_safety_mode_changed_at_the_gateway_holds_for_the_workers_next_result(
    postgres_url: str, tmp_path: Path
) -> None:
    safety = SafetyConfig(MarkerClassifier(seed_colour(FLAGGED_SEED)))
    async with (
        world_with_admin(postgres_url, tmp_path, safety=safety, role="gateway") as (world, admin),
        worker_running(world, "worker-1"),
    ):
        await answer(world, await settings(world, admin, "safety", {"mode": "spoiler"}))
        spoilered = await _flagged(world)  # the worker reads the server's settings (and keeps them)
        await answer(world, await settings(world, admin, "safety", {"mode": "withhold"}))
        held_back = await _flagged(world)

    assert [is_spoiler(i) for i in gallery_items(spoilered)] == [True]
    assert job_state(held_back) == "withheld"
    assert held_back.attachments == []
