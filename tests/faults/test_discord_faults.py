"""Discord misbehaves (429 bursts, 5xx on uploads and edits, expired tokens, a dropped gateway): every result
still reaches its one message, once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.harness import job_state
from tests.fakes.comfyui import FakeConfig
from tests.faults.world import running_world

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

# About 0.3 s a job: faults land while jobs are queued, running and being delivered.
SLOW = FakeConfig(step_time_s=0.05, default_steps=6)
WEBHOOK_EDIT = r"^/webhooks/\d+/[^/]+/messages/@original$"
CHANNEL_EDIT = r"^/channels/\d+/messages/\d+$"


@pytest.mark.timeout(120)
async def test_429_bursts_and_5xx_on_uploads_and_edits_still_deliver_every_result_once(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=SLOW) as world:
        faults = [
            world.emu.fail_next("PATCH", WEBHOOK_EDIT, 429, count=8, retry_after=0.1),
            world.emu.fail_next("PATCH", WEBHOOK_EDIT, 429, count=2, retry_after=0.1, is_global=True),
        ]
        first = await asyncio.gather(
            *(world.imagine(place, place.users[0], "a storm over the sea") for place in world.places)
        )
        await world.assert_delivered_once(first)
        assert all(f.hits for f in faults), [f.hits for f in faults]

        # Server errors on the final upload-and-edit: discord.py retries 5xx itself, then the reporter, then
        # the core's durable delivery; a 502 comes as Cloudflare's HTML page.
        faults = [
            world.emu.fail_next("PATCH", WEBHOOK_EDIT, 503, count=4),
            world.emu.fail_next("PATCH", WEBHOOK_EDIT, 502, count=1, html=True),
            world.emu.fail_next("PATCH", WEBHOOK_EDIT, 500, count=1),
        ]
        second = await asyncio.gather(
            *(world.imagine(place, place.users[1], "a storm over the hills") for place in world.places)
        )
        await world.assert_delivered_once(second, timeout=90)
        assert all(f.hits for f in faults), [f.hits for f in faults]


@pytest.mark.timeout(120)
async def test_expired_tokens_and_a_gateway_resume_still_deliver_every_result_once(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=SLOW) as world:
        place = world.places[2]
        expired = [await world.imagine(place, user, "a comet") for user in place.users[:2]]
        await world.emu.wait_for(lambda: all(i.acked for i in expired))
        world.emu.expire_interaction_token(expired[0], "invalid_token")  # 401/50027
        world.emu.expire_interaction_token(expired[1], "unknown_webhook")  # 404/10015
        await world.assert_delivered_once(expired)
        for interaction in expired:
            message = world.emu.original_response(interaction)
            assert world.emu.calls_matching(
                "PATCH", rf"^/channels/{place.channel.id}/messages/{message.id}$"
            ), "the result went through the channel message with the bot token"

        # The gateway drops while jobs run; discord.py resumes, and commands sent after it work as before.
        during = await asyncio.gather(*(world.imagine(p, p.users[3], "a nebula") for p in world.places))
        stats = world.emu.gateway.stats
        resumes, identifies = stats.resumes, stats.identifies
        await world.emu.gateway_disconnect(code=4000, resumable=True)
        await world.emu.wait_until_connected(timeout=15)
        after = await asyncio.gather(*(world.imagine(p, p.users[4], "a quasar") for p in world.places))
        await world.assert_delivered_once([*during, *after])
        assert (stats.resumes, stats.identifies) == (resumes + 1, identifies), "resumed, not a new session"
        assert all(job_state(world.emu.original_response(i)) == "done" for i in after)
