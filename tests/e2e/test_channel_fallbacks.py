"""When the interaction token is gone and the channel route cannot work either, the result still arrives.

The fallback to PATCH /channels/{id}/messages/{id} is logged with the job id. An ephemeral reply cannot be
edited through that route (404): the result becomes a new channel message. A channel the bot cannot see
(403 Missing Access) takes no message at all: the result goes to the requester by direct message.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import discord
import pytest

from background.log_context import LogContextFilter
from tests.discord_emulator.layout import buttons, footers, gallery_items, texts
from tests.e2e.harness import is_final, job_state, running_world
from tests.e2e.test_history_support import answer, finished, submit
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.05, default_steps=10)
FALLBACK_LOG = "the interaction token no longer works"


@pytest.fixture(autouse=True)
def _log_context_on_records(caplog: pytest.LogCaptureFixture) -> None:
    """The job's id travels in the log context; the captured records get it as the bot's handler does."""
    caplog.handler.addFilter(LogContextFilter())


def logged(caplog: pytest.LogCaptureFixture, job_id: int, text: str, level: int = logging.INFO) -> bool:
    return any(
        r.levelno == level and getattr(r, "job_id", None) == job_id and text in r.getMessage()
        for r in caplog.records
    )


async def test_the_fallback_to_the_channel_route_is_logged_with_the_job_id(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.reporting")
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        interaction, message = await world.imagine_running("a glacier")
        world.emu.expire_interaction_token(interaction, "invalid_token")
        await world.wait_for_message_final(message)
        job = await world.job_for(message)
    assert logged(caplog, job.id, FALLBACK_LOG)
    assert logged(caplog, job.id, f"PATCH /channels/{world.channel.id}/messages/{message.id}")


async def test_a_job_shown_on_an_ephemeral_reply_gets_its_result_in_a_new_channel_message(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.reporting")
    async with running_world(database_url, tmp_path) as world:
        seen: asyncio.Future[discord.Interaction] = asyncio.get_running_loop().create_future()

        async def on_interaction(interaction: discord.Interaction) -> None:
            if not seen.done():
                seen.set_result(interaction)

        world.bot.add_listener(on_interaction, "on_interaction")
        asking = await world.slash("queue")
        await answer(world, asking)
        interaction = await seen
        reply = world.emu.original_response(asking)
        assert reply.ephemeral
        world.emu.expire_interaction_token(asking, "invalid_token")

        receipt = await submit(world, world.alice, "a lantern")
        await world.bot.reporter.show_on_interaction(receipt, interaction, reply.id)
        await finished(world, receipt.job.id)
        posted = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if is_final(m)), None)
        )
        _, artifacts = await world.delivered(receipt.job.id)

    assert job_state(posted) == "done"
    assert [a.attachment_url for a in artifacts] == [a.url for a in posted.attachments]
    assert not is_final(reply), "the ephemeral reply never showed the result"
    refused = world.emu.calls_matching("PATCH", rf"^/channels/{world.channel.id}/messages/{reply.id}$")
    assert refused, "the channel route was tried"
    assert {c.status for c in refused} == {404}, "Discord refuses the channel route for an ephemeral reply"
    assert logged(caplog, receipt.job.id, FALLBACK_LOG)
    assert logged(caplog, receipt.job.id, "ephemeral reply")


async def test_a_channel_the_bot_can_no_longer_see_sends_the_result_by_direct_message(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.reporting")
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        interaction, message = await world.imagine_running("a glacier")
        hidden = discord.Permissions(view_channel=True).value
        await world.emu.set_channel_permissions(world.channel, world.emu.bot_member(world.guild), deny=hidden)
        world.emu.expire_interaction_token(interaction, "invalid_token")
        dm = world.emu.dm_channel(world.alice)
        direct = await world.emu.wait_for(lambda: next(iter(world.emu.messages.get(dm.id, [])), None))
        job = await world.job_for(message)
        _, artifacts = await world.delivered(job.id)

    assert direct.attachments
    assert texts(direct)[0].startswith(f"I can't post in <#{world.channel.id}> any more")
    assert footers(direct)[-1].startswith(f"Job #{job.id} · done")
    assert gallery_items(direct), "the images shown in the message"
    assert not buttons(direct), "the result buttons work in the server only"
    assert [a.attachment_url for a in artifacts] == [a.url for a in direct.attachments]
    assert job_state(message) == "running", "the hidden message could not be edited"
    assert world.bot_messages() == [message], "nothing new was posted in the hidden channel"
    assert logged(caplog, job.id, "cannot see this channel")


async def test_a_hidden_channel_and_closed_direct_messages_keep_the_result_in_history(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.reporting")
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        world.alice.user.accepts_dms = False
        interaction, message = await world.imagine_running("a glacier")
        hidden = discord.Permissions(view_channel=True).value
        await world.emu.set_channel_permissions(world.channel, world.emu.bot_member(world.guild), deny=hidden)
        world.emu.expire_interaction_token(interaction, "invalid_token")
        job = await world.job_for(message)
        delivered, _ = await world.delivered(job.id)

    assert delivered.status.value == "succeeded"
    assert logged(caplog, job.id, "accepts no direct messages", logging.WARNING)
