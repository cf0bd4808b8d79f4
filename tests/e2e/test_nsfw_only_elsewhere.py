"""A server that allows generation only in age-restricted channels keeps what was made there out of its
other channels: /show and a public /history listing outside one are refused privately."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.moderation import ModerationAction
from core.moderation.settings import ModerationSettings
from tests.discord_emulator.layout import gallery_items
from tests.e2e.harness import running_world
from tests.e2e.media_support import private_answer
from tests.e2e.test_history_support import answer, job_shown_by
from tests.e2e.test_moderation_log import Clock, entries_stored


async def test_what_was_made_in_an_age_restricted_channel_is_not_posted_outside_one(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        studio = world.emu.add_channel(world.guild, "after-dark", nsfw=True)
        await world.emu.guild_create(world.guild)
        await world.runtime.guild_policies.update(world.guild.id, {"nsfw_channels_only": True})
        made = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a lighthouse"}, channel=studio)
        )
        job = await job_shown_by(world, made)
        await world.delivered(job.id)
        refused_show = await private_answer(world, await world.slash("show", {"job": job.id}))
        refused_listing = await private_answer(world, await world.slash("history", {"public": True}))
        shown_in_studio = await answer(world, await world.slash("show", {"job": job.id}, channel=studio))
        own_listing = await answer(world, await world.slash("history", {}))

    assert "age-restricted channels" in refused_show.content
    assert "age-restricted channels" in refused_listing.content
    assert world.bot_messages() == [], "nothing was posted to the channel"
    assert shown_in_studio.attachments
    assert gallery_items(own_listing), "a private listing still shows the member their own pictures"


async def test_show_and_a_public_listing_refused_outside_one_are_in_the_moderation_log_as_imagine_is(
    database_url: str, tmp_path: Path
) -> None:
    clock = Clock()  # a member's refusals by one rule are logged once a minute: each is a minute apart
    async with running_world(database_url, tmp_path, moderation=ModerationSettings(clock=clock)) as world:
        studio = world.emu.add_channel(world.guild, "after-dark", nsfw=True)
        await world.emu.guild_create(world.guild)
        await world.runtime.guild_policies.update(world.guild.id, {"nsfw_channels_only": True})
        made = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a lighthouse"}, channel=studio)
        )
        job = await job_shown_by(world, made)
        with entries_stored(world) as stored:
            await private_answer(world, await world.slash("imagine", {"prompt": "a harbour"}))
            await stored.wait(1)
            clock.now += timedelta(minutes=1)
            await private_answer(world, await world.slash("show", {"job": job.id}))
            await stored.wait(2)
            clock.now += timedelta(minutes=1)
            await private_answer(world, await world.slash("history", {"public": True}))
            entries = await stored.wait(3)

    assert [(e.user_id, e.rule, e.excerpt, e.action) for e in entries] == [
        (world.alice.id, "nsfw_channel", excerpt, ModerationAction.REFUSED)
        for excerpt in ("a harbour", f"/show job:{job.id}", "/history public:True")
    ]
