"""/history through the real discord.py and the emulator: pages, opening a job, only this server's jobs."""

from __future__ import annotations

import re
from pathlib import Path

from tests.discord_emulator.layout import buttons, footers, texts
from tests.e2e.test_history_support import (
    answer,
    browsing_world,
    component,
    control_id,
    field_values,
    submit,
)


def listed_ids(message_text: str) -> list[int]:
    return [int(i) for i in re.findall(r"\*\*#(\d+)\*\*", message_text)]


async def test_history_pages_older_and_newer_and_never_shows_another_server(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        members = (world.alice, world.bob)  # each may have 10 jobs waiting
        ours = [(await submit(world, members[i % 2], f"fox {i}")).job.id for i in range(12)]
        theirs = [(await submit(world, world.alice, "secret", guild_id=world.guild.id + 1)).job.id]

        command = await world.slash("history")
        listing = await answer(world, command)
        first = listed_ids(texts(listing)[0])
        assert component(listing, "history:newer")["disabled"] is True

        older = await world.emu.click_button(listing, control_id(listing, "history:older"), world.alice)
        await world.emu.wait_for(lambda: len(listing.revisions) == 3)
        second = listed_ids(texts(listing)[0])
        assert footers(listing)[-1].startswith("Page 2 · pick")
        assert component(listing, "history:older")["disabled"] is True

        await world.emu.click_button(listing, control_id(listing, "history:newer"), world.alice)
        await world.emu.wait_for(lambda: len(listing.revisions) == 4)
        back = listed_ids(texts(listing)[0])

    assert listing.ephemeral
    assert older.response_type == 6  # acknowledged before the database was asked
    assert first == ours[::-1][:10]
    assert second == ours[::-1][10:]
    assert back == first
    assert not set(theirs) & set(first + second)


async def test_picking_a_job_opens_its_details_for_me_alone(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        job = (await submit(world, world.bob, "an owl at dusk")).job
        listing = await answer(world, await world.slash("history", {"user": world.bob, "search": "owl"}))
        options = component(listing, "history:open")["options"]
        picked = await world.emu.select_option(
            listing, control_id(listing, "history:open"), [str(job.id)], world.alice
        )
        details = await answer(world, picked)

    assert [o["value"] for o in options] == [str(job.id)]
    assert details.ephemeral
    assert details.embeds[0]["title"] == f"🖼️ Job #{job.id}"
    assert details.embeds[0]["description"] == "an owl at dusk"
    fields = field_values(details)
    assert fields["Requested by"] == f"<@{world.bob.id}> in <#{world.channel.id}>"
    assert f"**Seed**: {job.seed}" in fields["Parameters"]


async def test_a_job_of_another_server_cannot_be_opened_even_by_a_forged_pick(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        await submit(world, world.alice)
        foreign = (await submit(world, world.alice, "secret", guild_id=world.guild.id + 1)).job
        listing = await answer(world, await world.slash("history"))
        forged = await world.emu.select_option(
            listing, control_id(listing, "history:open"), [str(foreign.id)], world.alice
        )
        refusal = await answer(world, forged)
    assert refusal.ephemeral
    assert refusal.content == f"I can't find job #{foreign.id} in this server."
    assert refusal.embeds == []


async def test_only_the_member_who_asked_can_turn_a_public_historys_pages(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        for i in range(11):
            await submit(world, (world.alice, world.mod)[i % 2], f"fox {i}")
        listing = await answer(world, await world.slash("history", {"public": True}))
        intruder = await world.emu.click_button(listing, control_id(listing, "history:older"), world.bob)
        refusal = await answer(world, intruder)
    assert not listing.ephemeral
    assert len(listing.revisions) == 2  # the thinking state, then the first page; never turned
    assert refusal.ephemeral
    assert refusal.content == "This list belongs to someone else: run `/history` to get your own."


async def test_history_filters_by_kind_and_says_when_nothing_matches(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        await submit(world, world.alice, "a fox")
        song = (await submit(world, world.alice, "la la", song=True)).job
        songs = await answer(world, await world.slash("history", {"kind": "song"}))
        none = await answer(world, await world.slash("history", {"search": "giraffe"}))
    assert listed_ids(texts(songs)[0]) == [song.id]
    assert texts(none)[0] == "## History\nNo jobs matching “giraffe” yet."
    assert component(none, "history:open")["disabled"] is True


async def test_the_history_buttons_are_taken_away_when_they_stop_working(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        cog = world.bot.get_cog("History")
        assert cog is not None
        cog.view_timeout_s = 0.2  # type: ignore[attr-defined]
        search = "a quick brown fox jumps over the lazy dog " * 2  # too long for the buttons to name a page
        for i in range(11):
            await submit(world, (world.alice, world.bob)[i % 2], f"{search} {i}")
        listing = await answer(world, await world.slash("history", {"search": search.strip()}))
        # The page as first shown (after "thinking…"): by the time the test looks, on a loaded machine, the
        # 0.2 s may be over and the buttons already gone.
        assert buttons(listing.revisions[1])
        await world.emu.wait_for(lambda: not buttons(listing))
    assert listed_ids(texts(listing)[0]), "the page stays readable"
    assert footers(listing)
