"""A running job's message deleted by hand (a moderator tidying the channel) while its interaction token
still lives: Discord answers the token's edits 404 Unknown Message (10008), as the channel route does once
the token is over. The job runs on; the message is not tried again, and the result comes in a new one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from background.log_context import LogContextFilter
from db.enums import DeliveryState
from tests.e2e.harness import running_world
from tests.e2e.job_messages import is_final, job_state
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.05, default_steps=10)


@pytest.fixture(autouse=True)
def _log_context_on_records(caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(LogContextFilter())


async def test_a_running_jobs_message_deleted_by_a_moderator_gets_its_result_in_a_new_message(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        interaction, message = await world.imagine_running("a glacier")
        job = await world.job_for(message)
        await world.emu.delete_message(message, world.mod)
        posted = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if is_final(m)), None)
        )
        delivered, artifacts = await world.delivered(job.id)

    assert job_state(posted) == "done"
    assert posted.id != message.id
    assert delivered.delivery_state is DeliveryState.DELIVERED, "delivered once, not failed after retries"
    assert delivered.channel_message_id == posted.id, "the new message is the job's from now on"
    assert [a.attachment_url for a in artifacts] == [a.url for a in posted.attachments]
    webhook_edits = world.emu.calls_matching(
        "PATCH", rf"^/webhooks/{world.emu.world.application_id}/{interaction.token}/messages/"
    )
    refused = [c for c in webhook_edits if c.status == 404]
    assert len(refused) == 1, "once Discord said the message is gone, nothing edits it again"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], "a deleted message is no error"
    gone = [r for r in caplog.records if "its message was deleted" in r.getMessage()]
    assert [getattr(r, "job_id", None) for r in gone] == [job.id]
