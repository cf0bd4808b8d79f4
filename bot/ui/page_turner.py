"""The newer/older buttons of a paged listing (/history, /settings log), shared by both views.

A turn is acknowledged at once (deferred), then the listing's own `load` reads the page the cursors now
point at and `show` edits the message with it: the listings differ only there (/history edits a components
V2 message and its gallery's files, /settings log an embed). The interaction of the last turn is kept, so the
view can take its buttons away when it times out.

The buttons' custom_ids name the command that showed the listing ("history:older:<interaction id>"), or,
where the listing says so (`turn_ids`), the page they turn to (/history's, bot.ui.history_turns); they are
entered in the bot's register of what this process still answers (bot.ui.open_forms) until the view times
out: one pressed after a restart, or after that, is answered by bot.exts.expired_listings instead of
failing.
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
        # Every custom_id the buttons were sent with: the view answers a press of one its message showed
        # before the last turn (a quick second click), so none is left to bot.exts.expired_listings.
        self._sent_ids: set[str] = set()
        self._named: dict[str, bool] = {}  # whether each button names the page it turns to, by its name
        self._load = load
        self._show = show
        self._next_before_id = next_before_id
        self._forms = forms
        self._prefix = custom_id
        self._turning = asyncio.Lock()  # two quick clicks must not both move the cursor stack
        newer_label, older_label = labels
        self.newer: discord.ui.Button[View] = discord.ui.Button(
            label=newer_label, emoji="◀️", custom_id=f"{custom_id}:newer"
        )
        self.older: discord.ui.Button[View] = discord.ui.Button(
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
        """Shows the page `cursors` start at, in place of a listing this process no longer had (a press after
        a restart or a time-out), and answers its buttons from now on."""
        await interaction.response.defer()  # acknowledged before the database is asked
        async with self._turning:
            self._command_id = interaction.id
            shown = await self._read()
            self.last_interaction = interaction
            await self._show(interaction, shown)

    def own_id(self, name: str, command: discord.Interaction) -> str:
        """A control's custom_id, this listing's own: `name` under the prefix, then the command's id."""
        return f"{self._prefix}:{name}:{command.id}"

    def _name(self, button: discord.ui.Button[View], name: str) -> None:
        named = self._turn_ids(name, self._command_id) if self._turn_ids else None
        button.custom_id = named or f"{self._prefix}:{name}:{self._command_id}"
        self._named[name] = named is not None or bool(button.disabled)
        self._sent_ids.add(button.custom_id)
        self._forms.opened(button.custom_id)

    @property
    def outlive_the_view(self) -> bool:
        """Whether every button that can be pressed names the page it turns to, so it still turns once the
        view is gone (bot.exts.expired_listings): then the view need not take them away."""
        return bool(self._named) and all(self._named.values())

    def expired(self) -> None:
        """The view timed out: discord.py no longer answers its buttons (bot.exts.expired_listings does)."""
        for custom_id in self._sent_ids:
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
