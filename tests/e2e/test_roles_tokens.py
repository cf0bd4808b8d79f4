"""A job a worker runs, shown only through its interaction's token (a private reply), that outlives the
token: the worker, which never saw the interaction, still says where the result will be before the token
ends, and sends the result by direct message, as the one-process bot does."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.discord_emulator.layout import text_of
from tests.e2e.harness import FAST_REPORTING, is_final, job_state, running_world
from tests.e2e.roles_support import worker_running
from tests.e2e.test_private_results import DISCORD_TOKEN_LIFETIME_S, _channel_edits, _private_reply
from tests.fakes.comfyui import FakeConfig

# The bot's deadline of a token, shortened: the job (10 s of sampling) outlives it.
SHORT_TOKEN = replace(FAST_REPORTING, token_lifetime_s=2.0)
SLOW = FakeConfig(step_time_s=0.2, default_steps=50)


async def test_a_private_job_a_worker_runs_past_its_token_says_so_and_comes_by_direct_message(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(
            postgres_url, tmp_path, role="gateway", reporting=SHORT_TOKEN, fake_config=SLOW
        ) as world,
        worker_running(world, "worker-1"),
    ):
        response = await _private_reply(world, "a slow glacier")
        await world.emu.wait_for(lambda: "/history" in text_of(response), 15)
        world.emu.advance_clock(DISCORD_TOKEN_LIFETIME_S + 1)  # and Discord's token is over too
        dm = world.emu.dm_channel(world.alice)
        delivered = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages(dm) if is_final(m)), None), 20
        )
        job = await world.job_for(response)

    assert response.ephemeral
    assert f"Job #{job.id} is still being made" in text_of(response)
    assert f"Job #{job.id} took longer" in text_of(delivered)
    assert job_state(delivered) == "done"
    assert delivered.attachments
    assert world.job_messages() == [], "nothing went to the channel"
    assert _channel_edits(world) == []


async def test_a_job_whose_kept_token_has_ended_is_finished_by_the_worker_with_the_bot_token(
    postgres_url: str, tmp_path: Path
) -> None:
    """Past the token's 15 minutes the worker edits the (public) response as the channel message it is,
    and pings with a reply in the channel, as the one-process bot does."""
    ended = replace(FAST_REPORTING, token_lifetime_s=0.0)
    async with (
        running_world(postgres_url, tmp_path, role="gateway", reporting=ended) as world,
        worker_running(world, "worker-1"),
    ):
        interaction = await world.slash("imagine", {"prompt": "a glacier"})
        message = await world.wait_for_final(interaction)
        ping = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if m.referenced_message_id == message.id), None)
        )

    assert job_state(message) == "done"
    assert message.attachments
    assert world.emu.calls_matching("PATCH", rf"^/webhooks/\d+/[^/]+/messages/{message.id}$") == []
    assert world.emu.calls_matching("PATCH", rf"^/channels/{world.channel.id}/messages/{message.id}$")
    assert ping.content.startswith(f"<@{world.alice.id}> your image is ready")
    assert world.emu.followups(interaction) == []
