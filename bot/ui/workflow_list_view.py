"""/workflows list's pages: previous/next buttons when the list is longer than one embed holds.

The pages are read once, when the command runs (the list is a snapshot, like /settings log's page), and
only the manager who asked sees them (ephemeral). The view lives 10 minutes, well inside the 15-minute life
of the interaction token it edits with, then takes its buttons away; one pressed after that, or after a
restart, is answered by bot.exts.listing_presses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import discord

from bot.locales import Words
from bot.ui.open_forms import OpenForms
from bot.ui.page_turner import PageTurner

TIMEOUT_S = 600.0


class WorkflowListView(discord.ui.View):
    def __init__(
        self, pages: Sequence[discord.Embed], *, say: Words, forms: OpenForms, timeout: float = TIMEOUT_S
    ) -> None:
        super().__init__(timeout=timeout)
        self._pages = list(pages)
        # The cursors hold page indexes here: None is the first page, "older" the next one.
        self._turner: PageTurner[WorkflowListView, discord.Embed] = PageTurner(
            load=self._load,
            show=self._show,
            next_before_id=self._next_index,
            labels=(say("workflows.list_previous"), say("workflows.list_next")),
            custom_id="workflows-list",
            forms=forms,
        )
        self.previous, self.next = self._turner.newer, self._turner.older
        self.add_item(self.previous)
        self.add_item(self.next)

    async def first_page(self, interaction: discord.Interaction) -> discord.Embed:
        return await self._turner.first_page(interaction)

    def _index(self) -> int:
        return self._turner.cursors.before_id or 0

    def _next_index(self) -> int | None:
        following = self._index() + 1
        return following if following < len(self._pages) else None

    async def _load(self) -> discord.Embed:
        return self._pages[self._index()]

    async def _show(self, interaction: discord.Interaction, embed: discord.Embed) -> None:
        await interaction.edit_original_response(embed=embed, view=self)

    async def on_timeout(self) -> None:
        self._turner.expired()
        last = self._turner.last_interaction
        if last is None:
            return
        # The message may be gone, or its token expired: nothing left to tidy then.
        with contextlib.suppress(discord.HTTPException):
            await last.edit_original_response(view=None)
