"""A flagged result made in an age-restricted channel, where the server shows it as it is, is shown again
elsewhere (/show, a /history listing) as the server's /settings safety says for that other channel:
spoilered, or held back, never as it is. A reaction asking for more of a held-back result hears that it is
held back."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator.layout import gallery_items, is_spoiler
from tests.e2e.media_support import private_answer
from tests.e2e.test_content_safety import FLAGGED_SEED, imagined, listed_ids, safety_world
from tests.e2e.test_history_support import answer, job_shown_by


async def test_one_made_in_an_age_restricted_channel_is_spoilered_outside_one(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "spoiler") as (world, nsfw, _):
        job = await job_shown_by(world, await imagined(world, FLAGGED_SEED, channel=nsfw))
        await world.delivered(job.id)
        listing = await answer(world, await world.slash("history", {"public": True}))
        reposted = await answer(world, await world.slash("show", {"job": job.id}))
        reposted_in_nsfw = await answer(world, await world.slash("show", {"job": job.id}, channel=nsfw))
        listing_in_nsfw = await answer(world, await world.slash("history", {"public": True}, channel=nsfw))

    assert job.safety_action is None, "shown as it is where it was made"
    assert [is_spoiler(item) for item in gallery_items(listing)] == [True]
    assert [a.filename.startswith("SPOILER_") for a in reposted.attachments] == [True]
    assert [a.filename.startswith("SPOILER_") for a in reposted_in_nsfw.attachments] == [False]
    assert [is_spoiler(item) for item in gallery_items(listing_in_nsfw)] == [False]


async def test_one_made_in_an_age_restricted_channel_is_held_back_outside_one(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "withhold_outside_nsfw") as (world, nsfw, _):
        job = await job_shown_by(world, await imagined(world, FLAGGED_SEED, channel=nsfw))
        await world.delivered(job.id)
        listing = await answer(world, await world.slash("history", {"public": True}))
        refused = await private_answer(world, await world.slash("show", {"job": job.id}))
        reposted_in_nsfw = await answer(world, await world.slash("show", {"job": job.id}, channel=nsfw))

    assert job.safety_action is None
    assert job.id in listed_ids(listing), "its line is listed, as any job's"
    assert gallery_items(listing) == [], "but not its picture"
    assert "held back by this server's content settings" in refused.content
    shown_here = [m for m in world.bot_messages() if (m.interaction_metadata or {}).get("name") == "show"]
    assert shown_here == [], "nothing was posted to the channel"
    assert reposted_in_nsfw.attachments


async def test_a_reroll_of_a_held_back_result_says_it_is_held_back(database_url: str, tmp_path: Path) -> None:
    async with safety_world(database_url, tmp_path, "withhold_outside_nsfw") as (world, _, _):
        message = await imagined(world, FLAGGED_SEED)
        job = await job_shown_by(world, message)
        await world.delivered(job.id)

        def notices() -> list[str]:
            """What the bot said in the channel besides jobs (a reaction has no private answer)."""
            said = world.emu.messages[world.channel.id]
            return [
                m.content for m in said if m.author.id == world.emu.bot_user.id and m.interaction_id is None
            ]

        for count, emoji in enumerate(("🔁", "🌱"), start=1):
            await world.emu.add_reaction(message, world.channel, world.alice, emoji)
            await world.emu.wait_for(lambda n=count: len(notices()) >= n)  # type: ignore[misc]
        made = await world.runtime.browser.history(world.guild.id)

    assert (
        notices() == [f"<@{world.alice.id}> That result is held back by this server's content settings."] * 2
    )
    assert made.jobs == (), "nothing new was made (the held-back job is not listed)"


async def test_its_requester_asking_for_a_held_back_result_by_number_hears_it_is_held_back(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "withhold_outside_nsfw") as (world, _, _):
        job = await job_shown_by(world, await imagined(world, FLAGGED_SEED))
        await world.delivered(job.id)
        shown = await private_answer(world, await world.slash("show", {"job": job.id}))
        rerun = await private_answer(world, await world.slash("rerun", {"job": job.id}))
        by_bob = await private_answer(world, await world.slash("show", {"job": job.id}, member=world.bob))

    held_back = "That result is held back by this server's content settings."
    assert (shown.content, rerun.content) == (held_back, held_back)
    assert by_bob.content == f"I can't find job #{job.id} in this server.", "another member learns nothing"
