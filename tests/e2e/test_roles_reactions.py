"""Reactions at a gateway on jobs a worker runs or delivered: ❌ stops a job wherever it is (queued, settled
by the gateway at once; running, in the worker), and ✉️ sends the files a worker wrote to DATA_DIR."""

from __future__ import annotations

from pathlib import Path

from core.jobs.snapshots import JobStatus
from tests.discord_emulator import Message
from tests.e2e.harness import is_final, job_state, running_world, states_shown
from tests.e2e.roles_support import worker_running
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.2, default_steps=50)


async def test_a_cross_on_a_job_still_queued_at_a_gateway_cancels_it_and_no_worker_runs_it(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway", global_max_running=0) as world,
        worker_running(world, "worker-1") as worker,
    ):
        interaction = await world.slash("imagine", {"prompt": "a kite still waiting"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "queued")
        job = await world.job_for(message)
        await world.emu.add_reaction(message, world.channel, world.alice, "❌")
        await world.wait_for_message_final(message)
        cancelled = await world.runtime.service.get(job.id, guild_id=world.guild.id)

    assert cancelled.status is JobStatus.CANCELLED
    assert states_shown(message)[-1] == "cancelled"
    assert worker.runtime.dispatcher.running_count() == 0


async def test_a_cross_at_a_gateway_stops_the_job_a_worker_runs(postgres_url: str, tmp_path: Path) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway", fake_config=SLOW) as world,
        worker_running(world, "worker-1") as worker,
    ):
        interaction = await world.slash("imagine", {"prompt": "a very long night"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "running", 15)
        assert worker.runtime.dispatcher.running_count() == 1
        await world.emu.add_reaction(message, world.channel, world.alice, "❌")
        await world.wait_for_message_final(message)

    assert job_state(message) == "cancelled"
    assert not message.deleted


async def test_an_envelope_at_a_gateway_sends_the_files_a_worker_made(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        result = await world.wait_for_final(await world.slash("imagine", {"prompt": "a kite over dunes"}))
        await world.emu.add_reaction(result, world.channel, world.bob, "✉️")
        dms = world.emu.dm_channel(world.bob)
        [sent] = await world.emu.wait_for(lambda: world.bot_messages(dms) or None)

    assert job_state(result) == "done"
    assert sent.attachments, "the files went by DM"
    assert [a.data for a in sent.attachments] == [a.data for a in result.attachments]


async def test_a_regenerated_job_a_worker_ends_pings_its_requester_in_a_reply_to_the_result(
    postgres_url: str, tmp_path: Path
) -> None:
    """A 🔁 job has no interaction: the worker pings with the bot token, replying to the message the gateway
    posted for it and the worker edited into the result."""
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        result = await world.wait_for_final(await world.slash("imagine", {"prompt": "a kite over dunes"}))
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.bob, "🔁")

        def regenerated_result() -> Message | None:
            return next((m for m in world.bot_messages() if m.id not in known and is_final(m)), None)

        regenerated: Message = await world.emu.wait_for(regenerated_result, timeout=15)

        def pinged() -> Message | None:
            return next((m for m in world.bot_messages() if m.referenced_message_id == regenerated.id), None)

        ping: Message = await world.emu.wait_for(pinged, timeout=15)
        job = await world.job_for(regenerated)

    assert job_state(regenerated) == "done"
    assert ping.referenced_message_id == regenerated.id
    assert ping.content == f"<@{world.bob.id}> your image is ready (job #{job.id})."
    assert ping.notified_user_ids == [world.bob.id]
