"""The form /edit and /upscale open when no picture is given: a File Upload for it, so the same flow works
on a phone, where attaching to a slash command's option is awkward.

Discord's rules (components/reference#file-upload): a File Upload lives in modals only, inside a Label; it
is required here with exactly one file (min_values 1, max_values 1).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.locales import Words, english

FORM_PREFIX = "picture:form:"
PICTURE_FILE_ID = "picture:file"


class PictureModal(discord.ui.Modal):
    def __init__(
        self,
        title: str,
        on_submit: Callable[[discord.Interaction, PictureModal], Awaitable[None]],
        on_error: Callable[[discord.Interaction, Exception], Awaitable[None]],
        *,
        opened_by: int,
        words: Words | None = None,
    ) -> None:
        # discord.py finds an open form by its custom_id alone: one per opening interaction, so two
        # people's forms never answer each other.
        super().__init__(title=title[:45], timeout=15 * 60, custom_id=f"{FORM_PREFIX}{opened_by}")
        self._on_submit = on_submit
        self._on_error = on_error
        self.picture: discord.ui.FileUpload[PictureModal] = discord.ui.FileUpload(
            custom_id=PICTURE_FILE_ID, required=True, min_values=1, max_values=1
        )
        say = words or english()
        self.add_item(
            discord.ui.Label(
                text=say("picture_form.picture"), description=say("picture_form.help"), component=self.picture
            )
        )

    def uploaded(self) -> discord.Attachment | None:
        return self.picture.values[0] if self.picture.values else None

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_submit(interaction, self)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:  # type: ignore[override]
        await self._on_error(interaction, error)
