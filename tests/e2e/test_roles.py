"""Gateway and worker roles: a gateway bot takes the command and queues the job, a worker with no gateway
connection runs it and edits the response over REST with the interaction token kept with the job."""

from __future__ import annotations

import asyncio
from pathlib import Path

from db.enums import DeliveryState
from db.snapshots import JobView
from tests.discord_emulator import Message
from tests.e2e.harness import is_final, job_state, running_world
from tests.e2e.roles_support import worker_running
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.2, default_steps=50)


async def test_a_worker_without_gateway_runs_and_shows_a_job_the_gateway_queued(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1") as worker,
    ):
        settled: dict[str, list[int]] = {"gateway": [], "worker": []}
        worker_delivered = asyncio.Event()
        for name, runtime in (("gateway", world.runtime), ("worker", worker.runtime)):
            events = runtime.dispatcher.delivery.events
            events.subscribe(lambda job, state, name=name: _note(settled[name], job, state))
        worker.runtime.dispatcher.delivery.events.subscribe(lambda *_: worker_delivered.set())
        interaction = await world.slash("imagine", {"prompt": "a red fox"})
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        await asyncio.wait_for(worker_delivered.wait(), 10)
        assert settled["worker"] == [job.id]

        assert job_state(message) == "done"
        assert message.attachments, "the worker uploaded the result"
        assert settled["gateway"] == [], "a gateway runs and delivers nothing itself"
        # The worker edits through the kept token, by message id (the gateway's own edit went to @original).
        assert world.emu.calls_matching("PATCH", rf"/webhooks/\d+/[^/]+/messages/{message.id}$")
        assert worker.ws is None, "the worker never opened a gateway connection"
        assert list(world.fake.hub.sockets) == ["client-worker-1"], "only the worker follows ComfyUI's events"


async def test_a_regenerate_reaction_at_the_gateway_becomes_a_job_the_worker_shows_on_its_new_message(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        result = await world.wait_for_final(await world.slash("imagine", {"prompt": "a kite over dunes"}))
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.bob, "🔁")

        def regenerated() -> Message | None:
            return next((m for m in world.bot_messages() if m.id not in known and is_final(m)), None)

        message: Message = await world.emu.wait_for(regenerated, timeout=15)
        job = await world.job_for(message)
        assert job.user_id == world.bob.id
        assert message.attachments
        assert [m for m in world.job_messages() if m.id not in known] == [message], "one new message"


async def test_a_button_clicked_at_the_gateway_becomes_a_job_the_worker_finishes_on_the_clicks_reply(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        result = await world.wait_for_final(await world.slash("imagine", {"prompt": "a kite over dunes"}))
        original = await world.job_for(result)
        click = await world.emu.click_button(result, f"job:reroll:{original.id}", world.alice)
        rerolled = await world.wait_for_final(click)
        job = await world.job_for(rerolled)

    assert job.parent_id == original.id
    assert job_state(rerolled) == "done"
    assert rerolled.attachments
    assert world.emu.calls_matching("PATCH", rf"/webhooks/\d+/[^/]+/messages/{rerolled.id}$"), "the worker's"


async def test_cancel_at_the_gateway_stops_the_job_the_worker_runs(postgres_url: str, tmp_path: Path) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway", fake_config=SLOW) as world,
        worker_running(world, "worker-1") as worker,
    ):
        interaction = await world.slash("imagine", {"prompt": "a very long night"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "running", 15)
        assert worker.runtime.dispatcher.running_count() == 1
        await world.slash("cancel")
        await world.wait_for_message_final(message)
        assert job_state(message) == "cancelled"


async def test_a_worker_finishes_a_personal_job_through_the_kept_token_alone(
    postgres_url: str, tmp_path: Path
) -> None:
    """The app installed to someone's account, used in a server without the bot: only the interaction's
    token reaches that channel, and the worker, which never saw the interaction, has it from the job."""
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        await world.bot.tree.sync()  # user installs see global commands only
        elsewhere = world.emu.add_guild(name="Elsewhere", with_bot=False)
        lobby = world.emu.add_channel(elsewhere, "lobby")
        dave = world.emu.add_member(elsewhere, name="dave")
        world.emu.install_for_user(dave)
        interaction = await world.emu.send_slash_command(
            elsewhere, lobby, dave.user, "imagine", {"prompt": "a paper boat"}
        )
        message = await world.wait_for_final(interaction)
        [ping] = await world.emu.wait_for(lambda: world.emu.followups(interaction) or None)

    assert job_state(message) == "done"
    assert message.attachments
    posts = rf"^/channels/{lobby.id}/messages"
    assert world.emu.calls_matching("POST", posts) + world.emu.calls_matching("PATCH", posts) == []
    assert ping.content.startswith(f"<@{dave.id}> your "), "the completion ping is a followup of the worker's"


def _note(seen: list[int], job: JobView, state: DeliveryState) -> None:
    if state is DeliveryState.DELIVERED:
        seen.append(job.id)


async def test_cancel_at_the_gateway_says_cancelling_on_the_message_the_worker_edits(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway", fake_config=SLOW) as world,
        worker_running(world, "worker-1"),
    ):
        world.fake.hold_mid_run()  # ComfyUI sees no interrupt until go(): the cancel waits for it
        interaction = await world.slash("imagine", {"prompt": "a very long night"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "running", 15)
        await world.slash("cancel")
        # The worker heard of the cancel asked at the gateway (its CancelRequestedMessage), and says so.
        await world.emu.wait_for(lambda: job_state(message) == "cancelling", 15)
        world.fake.go()
        await world.wait_for_message_final(message)
        assert job_state(message) == "cancelled"
