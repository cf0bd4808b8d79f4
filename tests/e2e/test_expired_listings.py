"""A paged listing's buttons pressed after the bot restarted (or after the listing timed out) are answered
privately with what to do, never left to fail: /workflows list (and /history's where its search is too long
for its buttons to name their pages: tests/e2e/test_history_pages_after_restart.py; /settings log's turn:
tests/e2e/test_moderation_log_pages_after_restart.py)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.admin_support import world_with_admin
from tests.e2e.media_support import private_answer
from tests.e2e.test_history_support import answer, browsing_world, control_id, submit
from tests.e2e.workflows_support import TXT2IMG, workflows


async def test_workflows_list_next_pressed_after_a_restart_is_answered_privately(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    for n in range(40):
        (folder / f"a-folder-workflow-with-a-long-descriptive-name-{n:02}.json").write_text(TXT2IMG)
    async with world_with_admin(database_url, tmp_path, workflows_dir=folder) as (world, admin):
        listed = await workflows(world, admin, "list")
        await world.restart_bot()
        said = await private_answer(
            world, await world.emu.click_button(listed, control_id(listed, "workflows-list:older"), admin)
        )

    assert said.content == "This list has expired: run /workflows list again."


async def test_history_job_picked_after_a_restart_still_opens_for_the_one_who_picks_it(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        job = (await submit(world, world.bob, "an owl at dusk")).job
        foreign = (await submit(world, world.alice, "secret", guild_id=world.guild.id + 1)).job
        listing = await answer(world, await world.slash("history"))
        await world.restart_bot()  # the pick carries the job's number: nothing else is needed
        picked = await world.emu.select_option(
            listing, control_id(listing, "history:open"), [str(job.id)], world.alice
        )
        details = await answer(world, picked)
        forged = await world.emu.select_option(
            listing, control_id(listing, "history:open"), [str(foreign.id)], world.alice
        )
        refusal = await answer(world, forged)

    assert details.ephemeral
    assert details.embeds[0]["title"] == f"🖼️ Job #{job.id}"
    assert details.embeds[0]["description"] == "an owl at dusk"
    assert refusal.ephemeral
    assert refusal.content == f"I can't find job #{foreign.id} in this server."
    assert refusal.embeds == []


async def test_history_pick_of_a_value_no_select_offers_is_answered_as_an_expired_list(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        await submit(world, world.bob, "an owl at dusk")
        listing = await answer(world, await world.slash("history"))
        await world.restart_bot()
        said = []
        for value in ("not-a-number", "٣", str(2**63)):  # a word, an Arabic-Indic digit, beyond BIGINT
            picked = await world.emu.select_option(
                listing, control_id(listing, "history:open"), [value], world.alice
            )
            said.append(await answer(world, picked))

    assert [(reply.ephemeral, reply.content) for reply in said] == [
        (True, "This list has expired: run /history again.")
    ] * 3
