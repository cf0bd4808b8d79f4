"""Deleting a result retracts it: hidden from /history, /show and /rerun for everyone but managers, and its
files leave the data folder after the grace period (DELETED_FILES_GRACE_S)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from tests.discord_emulator.layout import gallery_items, texts
from tests.e2e.harness import World
from tests.e2e.test_history_support import answer, browsing_world, imagined


def listed_ids(text: str) -> list[int]:
    return [int(i) for i in re.findall(r"\*\*#(\d+)\*\*", text)]


async def deleted_by_its_requester(world: World, prompt: str) -> tuple[int, list[Path]]:
    """alice makes a result and deletes it with its 🗑 button; its id and its files in the data folder."""
    message = await world.wait_for_final(await world.slash("imagine", {"prompt": prompt}))
    job = await world.job_for(message)
    _, artifacts = await world.runtime.service.get_with_artifacts(job.id, guild_id=world.guild.id)
    files = [world.data_dir / artifact.path for artifact in artifacts]
    assert files
    assert all(path.is_file() for path in files)
    await world.emu.click_button(message, f"job:delete:{job.id}", world.alice)
    await world.emu.wait_for(lambda: message.deleted)
    # The bot marks the result deleted before it deletes the message.
    marked = await world.runtime.service.get(job.id, guild_id=world.guild.id)
    assert marked.deleted_at is not None
    return job.id, files


async def test_a_deleted_result_is_hidden_from_members_and_shown_to_managers(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        kept = await imagined(world, world.alice, "a kept lighthouse")
        job_id, files = await deleted_by_its_requester(world, "a deleted lighthouse")
        elsewhere = world.emu.add_channel(world.guild, "elsewhere")

        show = await answer(
            world, await world.slash("show", {"job": job_id}, member=world.bob, channel=elsewhere)
        )
        rerun = await answer(world, await world.slash("rerun", {"job": job_id}, member=world.alice))
        bobs_history = await answer(world, await world.slash("history", member=world.bob))
        alices_history = await answer(world, await world.slash("history", member=world.alice))
        mods_history = await answer(world, await world.slash("history", member=world.mod))
        mods_show = await answer(world, await world.slash("show", {"job": job_id}, member=world.mod))
        swept_early = await world.runtime.deleted_files.sweep()

    assert show.ephemeral
    assert show.content == f"I can't find job #{job_id} in this server."
    assert not [m for m in world.bot_messages(elsewhere) if m.attachments], "nothing was reposted"
    assert rerun.content == f"I can't find job #{job_id} in this server."
    for listing in (bobs_history, alices_history):
        assert listed_ids(texts(listing)[0]) == [kept.id]
    mods_listing = texts(mods_history)[0].removeprefix("## History\n")
    assert listed_ids(mods_listing) == [job_id, kept.id]
    assert "deleted" in mods_listing.splitlines()[0]
    assert mods_show.attachments, "a manager can still look at it during the grace period"
    assert mods_show.ephemeral, "for the manager's eyes: the channel is not shown a deleted result"
    shown_to_all = [m for m in world.bot_messages() if (m.interaction_metadata or {}).get("name") == "show"]
    assert shown_to_all == [], "nothing was reposted to the channel"
    assert swept_early == [], "the grace period is not over"
    assert all(path.is_file() for path in files)


async def test_a_managers_history_shown_to_the_channel_leaves_deleted_results_out(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        kept = await imagined(world, world.alice, "a kept lighthouse")
        job_id, _ = await deleted_by_its_requester(world, "a deleted lighthouse")
        shown_to_all = await answer(world, await world.slash("history", {"public": True}, member=world.mod))
        for_the_mod_alone = await answer(world, await world.slash("history", member=world.mod))

    assert not shown_to_all.ephemeral
    assert listed_ids(texts(shown_to_all)[0]) == [kept.id]
    captions = [item["description"] for item in gallery_items(shown_to_all)]
    assert len(captions) == 1
    assert captions[0].startswith(f"#{kept.id} "), "no picture of the deleted result either"
    assert for_the_mod_alone.ephemeral
    assert listed_ids(texts(for_the_mod_alone)[0]) == [job_id, kept.id]


async def test_a_deleted_results_files_are_removed_after_the_grace_period(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, deleted_files_grace_s=0.2) as world:
        kept = await imagined(world, world.alice, "a kept owl")
        _, kept_artifacts = await world.runtime.service.get_with_artifacts(kept.id, guild_id=world.guild.id)
        job_id, files = await deleted_by_its_requester(world, "a deleted owl")
        async with asyncio.timeout(10):  # the background sweep runs every 0.1 s with this grace period
            await world.runtime.deleted_files.wait_removed(job_id)
        mods_show = await answer(world, await world.slash("show", {"job": job_id}, member=world.mod))

    assert not any(path.exists() for path in files)
    assert not files[0].parent.exists(), "the job's folder left empty is removed too"
    assert all((world.data_dir / artifact.path).is_file() for artifact in kept_artifacts)
    assert "no longer" in mods_show.content or "missing" in mods_show.content, mods_show.content
