"""A server that allows generation only in age-restricted channels keeps what was made there out of its
other channels: /show and a public /history listing outside one are refused privately."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator.layout import gallery_items
from tests.e2e.harness import running_world
from tests.e2e.media_support import private_answer
from tests.e2e.test_history_support import answer, job_shown_by


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
