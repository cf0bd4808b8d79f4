"""/settings log's pages: newer/older buttons over keyset pages of one guild's moderation log.

The list is private (ephemeral) and only its manager turns its pages. It lives 10 minutes, well inside the
15-minute life of the interaction token it edits with, then takes its buttons away.
"""

from __future__ import annotations

import asyncio
import contextlib

import discord

from bot.locales import Words
from bot.ui.moderation_log_render import log_page_embed
from bot.ui.page_cursors import PageCursors
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
        page_size: int = PAGE_SIZE,
        timeout: float = TIMEOUT_S,
    ) -> None:
        super().__init__(timeout=timeout)
        self._log = log
        self._guild_id = guild_id  # the asker's guild: the only entries this list ever reads
        self._keep_days = keep_days
        self._say = say
        self._page_size = page_size
        self._cursors = PageCursors()
        self._page = LogPage((), None)
        self._turning = asyncio.Lock()  # two quick clicks must not both move the cursor stack
        self._last_interaction: discord.Interaction | None = None
        self.newer: discord.ui.Button[ModerationLogView] = discord.ui.Button(
            label=say("modlog.newer"), emoji="◀️", custom_id="modlog:newer"
        )
        self.older: discord.ui.Button[ModerationLogView] = discord.ui.Button(
            label=say("modlog.older"), emoji="▶️", custom_id="modlog:older"
        )
        self.newer.callback = self._newer  # type: ignore[method-assign]  # discord.py's documented way
        self.older.callback = self._older  # type: ignore[method-assign]
        self.add_item(self.newer)
        self.add_item(self.older)

    async def first_page(self, interaction: discord.Interaction) -> discord.Embed:
        self._last_interaction = interaction
        return await self._load()

    async def _load(self) -> discord.Embed:
        self._page = await self._log.page(
            self._guild_id, before_id=self._cursors.before_id, limit=self._page_size
        )
        self.newer.disabled = self._cursors.on_first_page
        self.older.disabled = self._page.next_before_id is None
        return log_page_embed(
            self._page, page_number=self._cursors.page_number, keep_days=self._keep_days, say=self._say
        )

    async def _newer(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, older=False)

    async def _older(self, interaction: discord.Interaction) -> None:
        await self._turn(interaction, older=True)

    async def _turn(self, interaction: discord.Interaction, *, older: bool) -> None:
        await interaction.response.defer()
        async with self._turning:
            self._cursors.turn(older=older, next_before_id=self._page.next_before_id)
            embed = await self._load()
            self._last_interaction = interaction
            await interaction.edit_original_response(embed=embed, view=self)

    async def on_timeout(self) -> None:
        if self._last_interaction is None:
            return
        # The message may be gone, or its token expired: nothing left to tidy then.
        with contextlib.suppress(discord.HTTPException):
            await self._last_interaction.edit_original_response(view=None)
