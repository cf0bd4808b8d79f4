"""The form /edit and /upscale open when no picture is given: a File Upload for it, so the same flow works
on a phone, where attaching to a slash command's option is awkward.

Discord's rules (components/reference#file-upload): a File Upload lives in modals only, inside a Label; it
is required here with exactly one file (min_values 1, max_values 1).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import discord

from bot.locales import Words, english
from bot.ui.open_forms import OpenForms
from bot.ui.tracked_modal import TrackedModal

FORM_PREFIX = "picture:form:"
# A form's custom_id names the command's kind and the interaction that opened it.
FORM_ID = re.compile(rf"{FORM_PREFIX}(?P<kind>[a-z][a-z0-9_]*):(?P<opened_by>\d+)")
PICTURE_FILE_ID = "picture:file"
FORM_TIMEOUT_S = 15 * 60


class PictureModal(TrackedModal):
    def __init__(
        self,
        title: str,
        on_submit: Callable[[discord.Interaction, PictureModal], Awaitable[None]],
        on_error: Callable[[discord.Interaction, Exception], Awaitable[None]],
        *,
        kind: str,
        opened_by: int,
        forms: OpenForms,
        words: Words | None = None,
    ) -> None:
        # discord.py finds an open form by its custom_id alone: one per opening interaction, so two
        # people's forms never answer each other.
        custom_id = f"{FORM_PREFIX}{kind}:{opened_by}"
        super().__init__(
            title=title[:45], custom_id=custom_id, timeout=FORM_TIMEOUT_S, forms=forms, on_error=on_error
        )
        self._on_submit = on_submit
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

    async def answered(self, interaction: discord.Interaction) -> None:
        await self._on_submit(interaction, self)
