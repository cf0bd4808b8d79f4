"""/history's page buttons keep turning after the bot restarted: each names the page it turns to
(bot.ui.history_turns), shown in place for the member who ran /history, by their rights now. A search too
long to be named leaves its listing's buttons to say the list expired, as before."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.kinds.image import ImageParams
from tests.discord_emulator.layout import buttons, footers, texts
from tests.discord_emulator.models import Message
from tests.e2e.harness import World
from tests.e2e.media_support import private_answer
from tests.e2e.test_history import listed_ids
from tests.e2e.test_history_support import answer, browsing_world, component, control_id, submit


async def turned(world: World, listing: Message, button: str) -> list[int]:
    """Restarts the bot, presses `button` ("history:older" or "history:newer") as Alice, who ran /history,
    and reads the page the listing then shows."""
    await world.restart_bot()  # nothing of the listing is left in the bot's memory
    edits = len(listing.revisions)
    pressed = await world.emu.click_button(listing, control_id(listing, button), world.alice)
    await world.emu.wait_for(lambda: len(listing.revisions) == edits + 1)
    assert pressed.response_type == 6  # answered by updating the listing itself, as a live one is
    return listed_ids(texts(listing)[0])


async def test_history_pages_turn_both_ways_after_restarts(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        members = (world.alice, world.bob, world.mod)  # each may have 10 jobs waiting
        ours = [(await submit(world, members[i % 3], f"fox {i}")).job.id for i in range(25)]
        await submit(world, world.alice, "secret", guild_id=world.guild.id + 1)
        listing = await answer(world, await world.slash("history"))
        first = listed_ids(texts(listing)[0])

        second = await turned(world, listing, "history:older")
        second_footer = footers(listing)[-1]
        third = await turned(world, listing, "history:older")
        last_has_older = component(listing, "history:older")["disabled"]
        back_to_second = await turned(world, listing, "history:newer")
        back_to_first = await turned(world, listing, "history:newer")
        first_footer = footers(listing)[-1]
        first_has_newer = component(listing, "history:newer")["disabled"]

    newest_first = ours[::-1]
    assert first == newest_first[:10]
    assert second == newest_first[10:20]
    assert second_footer.startswith("Page 2 · ")
    assert third == newest_first[20:]
    assert last_has_older is True
    assert back_to_second == second
    assert back_to_first == first
    assert first_footer.startswith("Page 1 · ")
    assert first_has_newer is True


async def test_a_turned_page_keeps_its_filters_and_turns_on_while_live(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        owls = []
        for i in range(11):  # three members: each may have 10 jobs waiting
            member = (world.alice, world.bob, world.mod)[i % 3]
            if i % 2:  # neither a picture of something else nor a song about owls is listed
                await submit(world, member, f"fox {i}")
                await submit(world, member, f"owl song {i}", song=True)
            owls.append((await submit(world, member, f"owl {i}")).job.id)
        listing = await answer(world, await world.slash("history", {"kind": "image", "search": "owl"}))

        second = await turned(world, listing, "history:older")
        # The listing shown after the restart is a live one again: its buttons answer without one.
        await world.emu.click_button(listing, control_id(listing, "history:newer"), world.alice)
        await world.emu.wait_for(lambda: len(listing.revisions) == 4)
        back = listed_ids(texts(listing)[0])

    assert second == owls[:1]
    assert back == owls[::-1][:10]


async def test_only_who_ran_a_public_history_turns_its_pages_after_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        ours = [(await submit(world, (world.alice, world.mod)[i % 2], f"fox {i}")).job.id for i in range(11)]
        listing = await answer(world, await world.slash("history", {"public": True}))
        await world.restart_bot()
        intruder = await world.emu.click_button(listing, control_id(listing, "history:older"), world.bob)
        refusal = await private_answer(world, intruder)
        edits_before_alice = len(listing.revisions)
        second = await turned(world, listing, "history:older")

    assert not listing.ephemeral
    assert edits_before_alice == 2  # the thinking state, then the first page; never turned by Bob
    assert refusal.content == "This list belongs to someone else: run `/history` to get your own."
    assert second == ours[:1]  # turned for Alice, still in the channel's sight


async def test_a_search_too_long_to_name_leaves_its_pages_to_expire(
    database_url: str, tmp_path: Path
) -> None:
    search = "a quick brown fox jumps over the lazy dog " * 2  # 84 characters: no room for the rest
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        for i in range(11):
            await submit(world, (world.alice, world.bob)[i % 2], f"{search} {i}")
        listing = await answer(world, await world.slash("history", {"search": search.strip()}))
        await world.restart_bot()
        pressed = await world.emu.click_button(listing, control_id(listing, "history:older"), world.alice)
        said = await private_answer(world, pressed)

    assert len(listed_ids(texts(listing)[0])) == 10
    assert len(listing.revisions) == 2
    assert said.content == "This list has expired: run /history again."


async def test_a_damaged_or_made_up_page_button_says_the_list_expired(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        for i in range(11):
            await submit(world, (world.alice, world.bob)[i % 2], f"fox {i}")
        listing = await answer(world, await world.slash("history"))
        await world.restart_bot()
        named = control_id(listing, "history:older")
        said = []
        forged_ids = (
            named.replace(":", ":-", 4),  # a job id made negative
            named.rsplit(":", 3)[0] + ":nosuchkind::",  # well formed, but no kind of job this bot knows
            "history:newer:",
        )
        for forged in forged_ids:
            pressed = await world.emu.click_button(listing, forged, world.alice)
            said.append((await private_answer(world, pressed)).content)

    assert said == ["This list has expired: run /history again."] * 3
    assert len(listing.revisions) == 2


async def test_history_page_buttons_stay_and_turn_after_the_listing_timed_out(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        cog = world.bot.get_cog("History")
        assert cog is not None
        cog.view_timeout_s = 0.2  # type: ignore[attr-defined]
        forms = world.bot.open_forms
        ended = asyncio.Event()  # the listing's view timed out: it gave its job select up (on_timeout)
        close = forms.closed

        def closed(custom_id: str) -> None:
            close(custom_id)
            if custom_id.startswith("history:open:"):
                ended.set()

        forms.closed = closed  # type: ignore[method-assign]
        for i in range(11):
            await submit(world, (world.alice, world.bob)[i % 2], f"fox {i}")
        listing = await answer(world, await world.slash("history"))
        shown = control_id(listing, "history:older")
        await asyncio.wait_for(ended.wait(), 5)
        forms.closed = close  # type: ignore[method-assign]
        kept = control_id(listing, "history:older")
        pressed = await world.emu.click_button(listing, kept, world.alice)
        await world.emu.wait_for(
            lambda: listed_ids(texts(listing)[0]) != listed_ids(texts(listing.revisions[1])[0])
        )
        turned_to = listed_ids(texts(listing)[0])
        turned_by = control_id(listing, "history:newer").split(":")[2]

    assert all(buttons(revision) for revision in listing.revisions[1:])  # never taken away
    assert kept == shown
    assert pressed.response_type == 6
    assert len(turned_to) == 1
    assert turned_by == base36(pressed.id)  # a new listing, made by the press: the old one had ended


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
    return text or "0"


async def test_a_status_filter_stays_on_every_page_it_turns_to(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        waiting: list[int] = []
        for i in range(16):  # two members: each may have 10 jobs waiting
            member = (world.alice, world.bob)[i % 2]
            receipt = await submit(world, member, f"fox {i}")
            if i % 4 == 0:  # every fourth, the oldest too, is cancelled: not a job still waiting
                requester = Requester(user_id=member.id, channel_id=world.channel.id)
                await world.runtime.service.cancel(
                    receipt.job.id, guild_id=world.guild.id, requester=requester
                )
            else:
                waiting.append(receipt.job.id)
        listing = await answer(world, await world.slash("history", {"status": "queued"}))
        first = listed_ids(texts(listing)[0])
        second = await turned(world, listing, "history:older")

    assert first == waiting[::-1][:10]
    assert second == waiting[::-1][10:]


async def test_a_public_listings_button_forged_to_name_a_private_page_turns_nothing(
    database_url: str, tmp_path: Path
) -> None:
    """Discord's docs ask apps to validate a component's data against the message it came from
    (discord/discord-api-docs#3029): whether a
    listing is the channel's is the message's own (ephemeral or not), never what a custom_id claims, so
    a button forged to say "private" never posts what only its runner may see in the channel."""
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        hers = JobRequest(
            guild_id=world.guild.id,
            requester=Requester(user_id=world.alice.id, channel_id=world.channel.id),
            raw_input="a private owl",
            params=ImageParams(prompt="a private owl"),
            private=True,
        )
        private_job = (await world.runtime.service.submit(hers)).job.id
        for i in range(11):
            await submit(world, (world.alice, world.bob)[i % 2], f"fox {i}")
        listing = await answer(world, await world.slash("history", {"public": True}))
        named = control_id(listing, "history:older").split(":")
        named[5] = "0"  # "a private listing"
        pressed = await world.emu.click_button(listing, ":".join(named), world.alice)
        await world.wait_acked(pressed)
        if pressed.response_type == 6:  # taken as a turn: wait for the page it shows
            await world.emu.wait_for(lambda: len(listing.revisions) == 3)
        said = world.emu.original_response(pressed) if pressed.response_type == 4 else None

    shown = [
        job_id for revision in listing.revisions for text in texts(revision) for job_id in listed_ids(text)
    ]
    assert not listing.ephemeral
    assert private_job not in shown
    assert len(listing.revisions) == 2  # the thinking state, then the first page: never turned
    assert said is not None
    assert said.ephemeral
    assert said.content == "This list has expired: run /history again."
