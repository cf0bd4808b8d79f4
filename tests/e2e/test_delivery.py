"""Getting the result to Discord whatever happens: expired tokens, rate limits, server errors, size limits,
and a bot restarted in the middle of a job."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.metrics.discord_errors import discord_error_counts
from tests.discord_emulator.layout import footers
from tests.e2e.harness import (
    FAST_REPORTING,
    assert_no_repeated_revisions,
    is_final,
    job_state,
    running_world,
)
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.05, default_steps=10)
WEBHOOK_EDIT = r"^/webhooks/\d+/[^/]+/messages/@original$"


@pytest.mark.parametrize("expiry", ["invalid_token", "unknown_webhook"])
async def test_an_expired_token_falls_back_to_editing_the_channel_message(
    database_url: str, tmp_path: Path, expiry: str
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        interaction, message = await world.imagine_running("a glacier")
        world.emu.expire_interaction_token(interaction, expiry)  # type: ignore[arg-type]
        await world.wait_for_message_final(message)

        assert job_state(message) == "done"
        assert message.attachments
        status = 401 if expiry == "invalid_token" else 404
        assert any(c.status == status for c in world.emu.calls_matching("PATCH", WEBHOOK_EDIT))
        by_channel = world.emu.calls_matching(
            "PATCH", rf"^/channels/{world.channel.id}/messages/{message.id}$"
        )
        assert by_channel, "later edits used the bot token on the channel message"
        assert world.job_messages() == [message], "no second message"
        assert_no_repeated_revisions(message)


async def test_a_token_near_its_end_is_not_used_at_all(database_url: str, tmp_path: Path) -> None:
    reporting = replace(FAST_REPORTING, token_lifetime_s=0.0)
    async with running_world(database_url, tmp_path, reporting=reporting) as world:
        interaction = await world.slash("imagine", {"prompt": "a glacier"})
        message = await world.wait_for_final(interaction)
        assert world.emu.calls_matching("PATCH", WEBHOOK_EDIT) == []
        assert world.emu.calls_matching("PATCH", rf"^/channels/\d+/messages/{message.id}$")


async def test_rate_limited_edits_are_retried(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        fault = world.emu.fail_next("PATCH", WEBHOOK_EDIT, 429, count=2, retry_after=0.05)
        interaction = await world.slash("imagine", {"prompt": "a glacier"})
        message = await world.wait_for_final(interaction)
        assert fault.hits == 2
        assert message.attachments


async def test_server_errors_on_the_final_edit_are_retried_until_delivered(
    database_url: str, tmp_path: Path
) -> None:
    # The channel route (bot token): discord.py gives up on a 503 at once, so our retries do the work.
    reporting = replace(FAST_REPORTING, token_lifetime_s=0.0, server_error_retries=2)
    async with running_world(database_url, tmp_path, reporting=reporting) as world:
        interaction = await world.slash("imagine", {"prompt": "a glacier"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        counted_before = discord_error_counts().get("503", 0)
        # 3 calls fail one delivery attempt (1 + 2 retries); 2 more fail inside the core's second attempt.
        fault = world.emu.fail_next("PATCH", rf"^/channels/\d+/messages/{message.id}$", 503, count=5)
        await world.wait_for_message_final(message)
        job = await world.job_for(message)
        _, artifacts = await world.delivered(job.id)
        assert fault.hits == 5
        assert discord_error_counts().get("503", 0) - counted_before == 5, "each one counted for the metrics"
        assert artifacts[0].attachment_url == message.attachments[0].url


async def test_an_artifact_over_the_upload_limit_is_reencoded_to_fit(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.emu.upload_limit = 2000  # also the interactions' attachment_size_limit
        interaction = await world.slash("imagine", {"prompt": "a glacier"})
        message = await world.wait_for_final(interaction)
        [attachment] = message.attachments
        assert attachment.filename.endswith((".webp", ".jpg"))
        assert attachment.size <= 2000
        assert "shrunk" in footers(message)[-1]
        job = await world.job_for(message)
        _, [artifact] = await world.delivered(job.id)
        assert artifact.size_bytes > 2000, "the original file is kept as it is"
        assert artifact.attachment_url == attachment.url


async def test_a_413_from_discord_shrinks_the_files_and_tries_again(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a glacier", "count": 2})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        fault = world.emu.fail_next("PATCH", WEBHOOK_EDIT, 413, code=40005)
        await world.wait_for_message_final(message)
        assert fault.hits == 1
        assert len(message.attachments) == 2


async def test_a_restart_in_the_middle_of_a_job_finishes_on_the_same_message(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        _, message = await world.imagine_running("a glacier")
        await world.restart_bot()
        await world.wait_for_message_final(message, timeout=20)
        assert is_final(message)
        assert world.job_messages() == [message]
        job = await world.job_for(message)
        _, artifacts = await world.delivered(job.id)
        assert [a.message_id for a in artifacts] == [message.id] * len(artifacts)


async def test_progress_without_news_sends_no_edit(database_url: str, tmp_path: Path) -> None:
    quiet = FakeConfig(step_time_s=0.02, default_steps=20, previews=False)
    async with running_world(database_url, tmp_path, fake_config=quiet) as world:
        interaction = await world.slash("imagine", {"prompt": "a glacier"})
        message = await world.wait_for_final(interaction)
        assert_no_repeated_revisions(message)
