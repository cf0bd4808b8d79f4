"""A server's settings changed at a gateway hold at once in the workers too, as they do in the one-process
bot: a worker that had read them before (its cache) hears of the change instead of waiting for the cache to
age. Content safety shows why it matters: a server that starts holding flagged results back must not have
the next one shown."""

from __future__ import annotations

from pathlib import Path

from core.safety.checker import SafetyConfig
from tests.core.safety.stand_in import MarkerClassifier, seed_colour
from tests.discord_emulator import Message
from tests.discord_emulator.layout import gallery_items, is_spoiler, texts
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import World, job_state, running_world
from tests.e2e.roles_support import worker_running
from tests.e2e.test_history_support import answer
from tests.e2e.test_settings import settings
from tests.fakes.comfyui import FakeConfig

FLAGGED_SEED = 7
SLOW = FakeConfig(step_time_s=0.05, default_steps=20)


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


async def test_a_worker_keeps_a_servers_cap_on_a_members_running_jobs(
    postgres_url: str, tmp_path: Path
) -> None:
    """A server that lets each member run one job at a time: the worker, which never read the server's
    settings before, holds the member's second job in the queue while the first runs (it does not send it
    to ComfyUI's own queue behind the first, as its defaults of three would)."""
    async with running_world(postgres_url, tmp_path, role="gateway", fake_config=SLOW) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"max_running_per_user": 1})
        world.fake.hold_mid_run()
        first = world.emu.original_response(
            await world.wait_acked(await world.slash("imagine", {"prompt": "one"}))
        )
        second = world.emu.original_response(
            await world.wait_acked(await world.slash("imagine", {"prompt": "two"}))
        )
        async with worker_running(world, "worker-1"):
            await world.emu.wait_for(lambda: job_state(first) == "running", 15)
            told = await world.emu.wait_for(lambda: _told_by_the_worker(second), 15)
            world.fake.go()
            await world.wait_for_message_final(second, 30)

    assert told == "**Place in queue:** you are next"
    assert job_state(first) == job_state(second) == "done"


def _told_by_the_worker(message: Message) -> str | None:
    """The place the worker told (the gateway said "1 ahead of you"): next in the bot's queue, or already
    sent to ComfyUI's own."""
    lines = [line for text in texts(message) for line in text.splitlines() if "Place in queue" in line]
    return lines[-1] if lines and "you are next" in lines[-1] else None
