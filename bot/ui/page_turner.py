"""The newer/older buttons of a paged listing (/history, /settings log), shared by both views.

A turn is acknowledged at once (deferred), then the listing's own `load` reads the page the cursors now
point at and `show` edits the message with it: the listings differ only there (/history edits a components
V2 message and its gallery's files, /settings log an embed). The interaction of the last turn is kept, so the
view can take its buttons away when it times out.

Where the listing says so (`turn_ids`), a button's custom_id names the page it turns to (bot.ui.history_turns,
bot.ui.log_turns). Such a button is a link, not a live control: discord.py never routes its press to this
view (PageButton), and bot.exts.listing_presses alone answers it, by showing the page it names in place,
whether the listing is live, was turned since, timed out or outlived a restart. Who answers a press is so
decided by its custom_id alone, never by what this process holds when it arrives, which matters because a
live turn changes the buttons' custom_ids and a press of the old one still comes (a quick second click, a
client that has not shown the edit yet): Discord sends it, with the message as it is now. Were the view to
answer its current ids and the listener the rest, the two would judge that in two tasks run concurrently
(discord.py's parser schedules the view's before it dispatches the listener's), and a press could be
answered twice (40060, already acknowledged) or by nobody. A discord.py DynamicItem would not serve
either: it drops a press unless the message still shows that custom_id (ViewStore.schedule_dynamic_item_call),
and a stale press's message no longer does. Showing the page named, not turning from the page shown, also
lands a double click one page on, as a link would.

A button that cannot name its page (a search too long for Discord's 100 characters) has a plain custom_id,
the command's ("history:older:<interaction id>"), which a turn does not change; this view answers it, and
it is entered in the bot's register of what this process still answers (bot.ui.open_forms) until the view
times out: pressed after a restart, or after that, bot.exts.listing_presses says the list expired.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import discord
from discord.ui.view import BaseView

from bot.ui.open_forms import OpenForms
from bot.ui.page_cursors import Cursors, PageCursors

View = TypeVar("View", bound=BaseView)
Shown = TypeVar("Shown")


class PageButton(discord.ui.Button[View]):
    """A page button; while it names the page it turns to, discord.py's view store does not route its
    presses (it registers only dispatchable items), so bot.exts.listing_presses is their one answerer."""

    names_page = False

    def is_dispatchable(self) -> bool:
        return super().is_dispatchable() and not self.names_page


class PageTurner(Generic[View, Shown]):
    def __init__(
        self,
        *,
        load: Callable[[], Awaitable[Shown]],
        show: Callable[[discord.Interaction, Shown], Awaitable[None]],
        next_before_id: Callable[[], int | None],
        labels: tuple[str, str],
        custom_id: str,
        forms: OpenForms,
        max_kept: int | None = None,
        cursors: Cursors | None = None,
        turn_ids: Callable[[str, int], str | None] | None = None,
    ) -> None:
        """`load`: reads the page at `cursors` into the view and returns what `show` sends with it;
        `next_before_id`: where the page shown says the next one starts (None: it is the last);
        `labels`: the newer and older buttons' words; `custom_id`: their prefix ("history"); `forms`: the
        bot's register of what this process answers; `cursors`: the listing's own (else a stack of
        `max_kept` pages); `turn_ids`: a button's custom_id ("newer", "older") naming the page it turns
        to from the one just read, given the command's id (None: it cannot, the plain one is used)."""
        self.cursors: Cursors = cursors or PageCursors(max_kept=max_kept)
        self.last_interaction: discord.Interaction | None = None
        self._turn_ids = turn_ids
        self._command_id = 0
        # Every plain custom_id the buttons were sent with, this view's to answer until it times out.
        self._answered_here: set[str] = set()
        self._named: dict[str, bool] = {}  # whether each button names the page it turns to, by its name
        self._load = load
        self._show = show
        self._next_before_id = next_before_id
        self._forms = forms
        self._prefix = custom_id
        self._turning = asyncio.Lock()  # two quick clicks must not both move the cursor stack
        newer_label, older_label = labels
        self.newer: PageButton[View] = PageButton(
            label=newer_label, emoji="◀️", custom_id=f"{custom_id}:newer"
        )
        self.older: PageButton[View] = PageButton(
            label=older_label, emoji="▶️", custom_id=f"{custom_id}:older"
        )
        self.newer.callback = self._newer  # type: ignore[method-assign]  # discord.py's documented way
        self.older.callback = self._older  # type: ignore[method-assign]

    async def first_page(self, interaction: discord.Interaction) -> Shown:
        """The first page loaded; the command sends what it returns with its reply."""
        self.last_interaction = interaction
        self._command_id = interaction.id
        return await self._read()

    async def resume(self, interaction: discord.Interaction) -> None:
        """Shows the page `cursors` start at in place of the listing whose button, naming that page,
        `interaction` pressed (bot.exts.listing_presses), and answers its plain buttons from now on."""
        await interaction.response.defer()  # acknowledged before the database is asked
        async with self._turning:
            self._command_id = interaction.id
            shown = await self._read()
            self.last_interaction = interaction
            await self._show(interaction, shown)

    def own_id(self, name: str, command: discord.Interaction) -> str:
        """A control's custom_id, this listing's own: `name` under the prefix, then the command's id."""
        return f"{self._prefix}:{name}:{command.id}"

    def _name(self, button: PageButton[View], name: str) -> None:
        named = self._turn_ids(name, self._command_id) if self._turn_ids else None
        button.custom_id = named or f"{self._prefix}:{name}:{self._command_id}"
        button.names_page = named is not None
        self._named[name] = named is not None or bool(button.disabled)
        if named is None:
            self._answered_here.add(button.custom_id)
            self._forms.opened(button.custom_id)

    @property
    def outlive_the_view(self) -> bool:
        """Whether every button that can be pressed names the page it turns to, so it still turns once the
        view is gone (bot.exts.listing_presses): then the view need not take them away."""
        return bool(self._named) and all(self._named.values())

    def expired(self) -> None:
        """The view timed out: discord.py no longer answers its plain buttons (bot.exts.listing_presses
        does)."""
        for custom_id in self._answered_here:
            self._forms.closed(custom_id)

    async def _newer(self, interaction: discord.Interaction) -> None:
        await self.turn(interaction, older=False)

    async def _older(self, interaction: discord.Interaction) -> None:
        await self.turn(interaction, older=True)

    async def turn(self, interaction: discord.Interaction, *, older: bool) -> None:
        await interaction.response.defer()  # acknowledged before the database is asked
        async with self._turning:
            self.cursors.turn(older=older, next_before_id=self._next_before_id())
            shown = await self._read()
            self.last_interaction = interaction
            await self._show(interaction, shown)

    async def _read(self) -> Shown:
        shown = await self._load()
        # The buttons are sent as they are now, wherever `load` laid them out.
        self.newer.disabled = self.cursors.on_first_page
        self.older.disabled = self._next_before_id() is None
        self._name(self.newer, "newer")
        self._name(self.older, "older")
        return shown
