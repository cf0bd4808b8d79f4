"""/settings log's pages: newer/older buttons over keyset pages of one guild's moderation log.

The list is private (ephemeral) and only its manager turns its pages. It lives 10 minutes, well inside the
15-minute life of the interaction token it edits with; a button pressed after that, or after a restart, is
answered by bot.exts.listing_presses: each names the page it turns to (bot.ui.log_turns), which a new view
shows in place (`resume`), so the buttons stay; so is every press of one, a live list's too
(bot.ui.page_turner).
"""

from __future__ import annotations

import contextlib

import discord

from bot.locales import Words
from bot.ui.log_turns import turn_id
from bot.ui.moderation_log_render import log_page_embed
from bot.ui.open_forms import OpenForms
from bot.ui.page_cursors import KeysetCursors
from bot.ui.page_names import PagePlace
from bot.ui.page_turner import PageTurner
from core.moderation.log import LogPage
from core.moderation.service import ModerationLogService

PAGE_SIZE = 10
TIMEOUT_S = 600.0


class ModerationLogView(discord.ui.View):
    def __init__(
        self,
        log: ModerationLogService,
        *,
        guild_id: int,
        keep_days: float,
        say: Words,
        forms: OpenForms,
        page_size: int = PAGE_SIZE,
        timeout: float = TIMEOUT_S,
        place: PagePlace | None = None,
    ) -> None:
        """`place`: where the list opens (the first page; a press after a restart: the page it names)."""
        super().__init__(timeout=timeout)
        self._log = log
        self._guild_id = guild_id  # the asker's guild: the only entries this list ever reads
        self._keep_days = keep_days
        self._say = say
        self._page_size = page_size
        self._page = LogPage((), None)
        place = place or PagePlace()
        self._cursors = KeysetCursors(
            newest_shown=lambda: self._page.entries[0].id if self._page.entries else None,
            page_number=place.page_number,
            before_id=place.before_id,
            after_id=place.after_id,
        )
        self._pages: PageTurner[ModerationLogView, discord.Embed] = PageTurner(
            load=self._load,
            show=self._show,
            next_before_id=lambda: self._page.next_before_id,
            labels=(say("modlog.newer"), say("modlog.older")),
            custom_id="modlog",
            forms=forms,
            cursors=self._cursors,
            turn_ids=self._turn_id,
        )
        self.newer, self.older = self._pages.newer, self._pages.older
        self.add_item(self.newer)
        self.add_item(self.older)

    async def first_page(self, interaction: discord.Interaction) -> discord.Embed:
        return await self._pages.first_page(interaction)

    async def resume(self, interaction: discord.Interaction) -> None:
        """Shows the page this view was made at in place of the list whose button, naming that page,
        `interaction` pressed (bot.exts.listing_presses: live, turned since, timed out or from before a
        restart alike)."""
        await self._pages.resume(interaction)

    def _turn_id(self, name: str, command_id: int) -> str | None:
        newest = self._page.entries[0].id if self._page.entries and not self._page.at_newest else None
        anchor = self._page.next_before_id if name == "older" else newest
        return turn_id(name, command_id, page_number=self._cursors.page_number, anchor=anchor)

    async def _load(self) -> discord.Embed:
        cursors = self._cursors
        self._page = await self._log.page(
            self._guild_id, before_id=cursors.before_id, after_id=cursors.after_id, limit=self._page_size
        )
        cursors.landed(at_newest=self._page.at_newest)
        return log_page_embed(
            self._page, page_number=cursors.page_number, keep_days=self._keep_days, say=self._say
        )

    async def _show(self, interaction: discord.Interaction, embed: discord.Embed) -> None:
        await interaction.edit_original_response(embed=embed, view=self)

    async def on_timeout(self) -> None:
        self._pages.expired()
        last = self._pages.last_interaction
        if last is None or self._pages.outlive_the_view:
            return
        # The message may be gone, or its token expired: nothing left to tidy then.
        with contextlib.suppress(discord.HTTPException):
            await last.edit_original_response(view=None)
