"""The paging both listings share: a click is acknowledged before the page is read, the page the cursors
point at is shown, the buttons say where the ends are, two quick clicks turn two pages, one after the
other, and a button that names its page is never the view's to answer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import discord

from bot.ui.open_forms import OpenForms
from bot.ui.page_turner import PageTurner

# A listing of three pages: each page's before_id -> where the next one starts (None: the last page).
NEXT = {None: 30, 30: 20, 20: None}


@dataclass
class Response:
    events: list[str]
    deferred: asyncio.Event = field(default_factory=asyncio.Event)

    async def defer(self) -> None:
        self.events.append("defer")
        self.deferred.set()


@dataclass
class Click:
    """What the turner reads of a discord.Interaction: its response, to acknowledge it, and its id, which
    the buttons' custom_ids carry."""

    response: Response
    id: int = 1


class Listing:
    def __init__(self, *, names_older: bool = False) -> None:
        self.forms = OpenForms()
        self.events: list[str] = []
        self.gate: asyncio.Event | None = None  # when set, a load waits for it
        self.before_id: int | None = None
        self.pages: PageTurner[discord.ui.View, str] = PageTurner(
            load=self.load,
            show=self.show,
            next_before_id=lambda: NEXT[self.before_id],
            labels=("Newer", "Older"),
            custom_id="listing",
            forms=self.forms,
            turn_ids=self.older_names_its_page if names_older else None,
        )

    def older_names_its_page(self, name: str, command_id: int) -> str | None:
        page = self.pages.cursors.page_number
        return f"listing:older:{command_id}:{page}" if name == "older" and NEXT[self.before_id] else None

    async def load(self) -> str:
        if self.gate is not None:
            await self.gate.wait()
        self.before_id = self.pages.cursors.before_id
        page = f"page {self.pages.cursors.page_number}"
        self.events.append(f"load {page}")
        return page

    async def show(self, interaction: discord.Interaction, page: str) -> None:
        self.events.append(f"show {page}")

    def click(self) -> Click:
        return Click(Response(self.events))

    def buttons(self) -> tuple[bool, bool]:
        return bool(self.pages.newer.disabled), bool(self.pages.older.disabled)


async def test_a_turn_is_acknowledged_first_then_the_page_is_read_and_shown() -> None:
    listing = Listing()
    first = listing.click()
    assert await listing.pages.first_page(first) == "page 1"  # type: ignore[arg-type] - a stand-in
    assert listing.buttons() == (True, False)
    older = listing.click()
    await listing.pages.turn(older, older=True)  # type: ignore[arg-type]
    assert listing.buttons() == (False, False)
    newer = listing.click()
    await listing.pages.turn(newer, older=False)  # type: ignore[arg-type]
    assert listing.events == [
        "load page 1",
        "defer",
        "load page 2",
        "show page 2",
        "defer",
        "load page 1",
        "show page 1",
    ]
    assert listing.pages.last_interaction is newer
    assert listing.buttons() == (True, False)


async def test_the_last_page_disables_older_and_stays_put() -> None:
    listing = Listing()
    await listing.pages.first_page(listing.click())  # type: ignore[arg-type]
    for _ in range(3):
        await listing.pages.turn(listing.click(), older=True)  # type: ignore[arg-type]
    assert listing.events[-1] == "show page 3"
    assert listing.buttons() == (False, True)


async def test_two_quick_clicks_turn_two_pages_one_after_the_other() -> None:
    listing = Listing()
    await listing.pages.first_page(listing.click())  # type: ignore[arg-type]
    listing.gate = asyncio.Event()
    first, second = listing.click(), listing.click()
    turning = asyncio.create_task(listing.pages.turn(first, older=True))  # type: ignore[arg-type]
    await first.response.deferred.wait()  # the first turn now waits inside its load
    following = asyncio.create_task(listing.pages.turn(second, older=True))  # type: ignore[arg-type]
    await second.response.deferred.wait()  # acknowledged at once, then waits for the first turn
    listing.gate.set()
    await asyncio.gather(turning, following)
    assert listing.events[1:] == [
        "defer",
        "defer",
        "load page 2",
        "show page 2",
        "load page 3",
        "show page 3",
    ]
    assert listing.pages.last_interaction is second


async def test_a_button_that_names_its_page_is_left_to_the_listener_and_a_plain_one_to_the_view() -> None:
    listing = Listing(names_older=True)
    await listing.pages.first_page(listing.click())  # type: ignore[arg-type]
    newer, older = listing.pages.newer, listing.pages.older
    view: discord.ui.View = discord.ui.View(timeout=None)
    view.add_item(newer)
    view.add_item(older)
    # What discord.py's view store routes to the view: its dispatchable items, by custom_id.
    routed = [getattr(item, "custom_id", None) for item in view.walk_children() if item.is_dispatchable()]
    assert older.custom_id == "listing:older:1:1"
    assert routed == ["listing:newer:1"]
    assert "listing:newer:1" in listing.forms
    assert "listing:older:1:1" not in listing.forms  # so bot.exts.listing_presses answers it
    for _ in range(2):
        await listing.pages.turn(listing.click(), older=True)  # type: ignore[arg-type]
    # The last page has nowhere older to name: that button is a plain one again, the view's own.
    assert older.custom_id == "listing:older:1"
    assert older.is_dispatchable()
    assert "listing:older:1" in listing.forms
    listing.pages.expired()
    assert "listing:newer:1" not in listing.forms
    assert "listing:older:1" not in listing.forms
