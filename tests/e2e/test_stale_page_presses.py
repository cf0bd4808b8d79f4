"""A live turn changes the page buttons' custom_ids (each names the page it turns to): a press of a button
the listing showed before (a quick double click, a client that has not shown the edit yet) still arrives
with the old id, as Discord sends it, and is answered once, by showing the page it names: double-clicking
the older button of page 1 lands on page 2, as a link would, never on page 3, and never fails."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.discord_emulator import Interaction, Message
from tests.discord_emulator.layout import footers, texts
from tests.e2e.harness import World
from tests.e2e.media_support import private_answer
from tests.e2e.test_history import listed_ids
from tests.e2e.test_history_support import answer, browsing_world, control_id, submit
from tests.e2e.test_moderation_log import listed
from tests.e2e.test_moderation_log_pages_after_restart import two_pages_logged


def answers_to(world: World, pressed: Interaction) -> list[int]:
    """The statuses of every answer (interaction callback) the bot gave the press: one, 200, is right."""
    calls = world.emu.calls_matching("POST", rf"^/interactions/{pressed.id}/[^/]+/callback$")
    return [call.status for call in calls]


async def pressed_and_shown(world: World, listing: Message, custom_id: str, *, edits: int) -> Interaction:
    """Presses `custom_id` on `listing` as Alice, and waits for the listing's `edits`th edit."""
    pressed = await world.emu.click_button(listing, custom_id, world.alice)
    await world.emu.wait_for(lambda: pressed.acked and len(listing.revisions) == edits + 1)
    return pressed


async def test_an_older_button_pressed_again_after_its_turn_shows_the_page_it_names(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        members = (world.alice, world.bob, world.mod)  # each may have 10 jobs waiting
        ours = [(await submit(world, members[i % 3], f"fox {i}")).job.id for i in range(25)]
        listing = await answer(world, await world.slash("history"))
        to_second = control_id(listing, "history:older")
        first_press = await pressed_and_shown(world, listing, to_second, edits=2)
        to_third = control_id(listing, "history:older")
        again = await pressed_and_shown(world, listing, to_second, edits=3)  # the old id, pressed again
        shown_again = listed_ids(texts(listing)[0])
        footer = footers(listing)[-1]
        older_now = control_id(listing, "history:older")

    newest_first = ours[::-1]
    assert to_third != to_second  # the turn changed the button
    assert again.response_type == 6  # the listing itself updated, as a turn does
    assert shown_again == newest_first[10:20]  # page 2 again, not page 3
    assert footer.startswith("Page 2 · ")
    assert older_now.split(":")[3:5] == to_third.split(":")[3:5]  # still turns on to page 3 from there
    assert answers_to(world, first_press) == [200]
    assert answers_to(world, again) == [200]


async def test_a_double_click_on_older_is_answered_twice_once_each_and_lands_one_page_on(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        members = (world.alice, world.bob, world.mod)
        ours = [(await submit(world, members[i % 3], f"fox {i}")).job.id for i in range(25)]
        listing = await answer(world, await world.slash("history"))
        older = control_id(listing, "history:older")
        # Both presses reach the bot before either is answered: neither may be left unanswered, nor be
        # answered twice (Discord's 40060 "already acknowledged").
        presses = await asyncio.gather(*(world.emu.click_button(listing, older, world.alice) for _ in "12"))
        await world.emu.wait_for(lambda: all(p.acked for p in presses) and len(listing.revisions) == 4)
        shown = listed_ids(texts(listing)[0])

    assert shown == ours[::-1][10:20]
    assert [answers_to(world, pressed) for pressed in presses] == [[200], [200]]


async def test_an_old_page_button_pressed_by_someone_else_is_refused_privately_once(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        for i in range(11):
            await submit(world, (world.alice, world.mod)[i % 2], f"fox {i}")
        listing = await answer(world, await world.slash("history", {"public": True}))
        to_second = control_id(listing, "history:older")
        await pressed_and_shown(world, listing, to_second, edits=2)
        intruder = await world.emu.click_button(listing, to_second, world.bob)
        refusal = await private_answer(world, intruder)

    assert refusal.content == "This list belongs to someone else: run `/history` to get your own."
    assert len(listing.revisions) == 3  # Bob turned nothing
    assert len(answers_to(world, intruder)) == 1


async def test_a_settings_log_button_pressed_again_after_its_turn_shows_the_page_it_names(
    database_url: str, tmp_path: Path
) -> None:
    async with two_pages_logged(database_url, tmp_path) as (world, admin, shown):
        to_second = control_id(shown, "modlog:older")
        edits = len(shown.revisions)
        first = await world.emu.click_button(shown, to_second, admin)
        await world.emu.wait_for(lambda: first.acked and len(shown.revisions) == edits + 1)
        second_page = listed(shown)
        again = await world.emu.click_button(shown, to_second, admin)
        await world.emu.wait_for(lambda: again.acked and len(shown.revisions) == edits + 2)
        footer = str(shown.embeds[0]["footer"]["text"])

    assert listed(shown) == second_page
    assert footer.startswith("Page 2")
    assert answers_to(world, first) == [200]
    assert answers_to(world, again) == [200]
