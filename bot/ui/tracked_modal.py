"""A form this process answers itself: known as open (bot.ui.open_forms) from its opening until it is
answered or times out, so that an answer discord.py no longer holds is left to the listeners that answer
forms sent after a restart or their time (bot.exts.picture_forms, bot.exts.song_forms)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.ui.open_forms import OpenForms


class TrackedModal(discord.ui.Modal):
    def __init__(
        self,
        *,
        title: str,
        custom_id: str,
        timeout: float,
        forms: OpenForms,
        on_error: Callable[[discord.Interaction, Exception], Awaitable[None]],
    ) -> None:
        super().__init__(title=title, timeout=timeout, custom_id=custom_id)
        self._forms = forms
        self._on_error = on_error
        forms.opened(custom_id)

    async def answered(self, interaction: discord.Interaction) -> None:
        """What the form does with its answer."""
        raise NotImplementedError

    async def on_submit(self, interaction: discord.Interaction) -> None:
        # Still open until it is answered: discord.py runs this before the listeners of the same answer
        # (state.parse_interaction_create), which then find it open and leave it to this.
        try:
            await self.answered(interaction)
        finally:
            self._forms.closed(self.custom_id)

    async def on_timeout(self) -> None:
        self._forms.closed(self.custom_id)  # discord.py has dropped it

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await self._on_error(interaction, error)
