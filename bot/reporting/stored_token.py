"""An interaction's response, edited from another process with the token a gateway process kept with the job.

A worker process has no gateway connection and so no `discord.Interaction`; the token and the application id
are all the interaction webhook needs (PATCH /webhooks/{application_id}/{token}/messages/{message_id},
POST /webhooks/{application_id}/{token} for followups: "Edit Followup Message" and "Create Followup Message"
in https://discord.com/developers/docs/interactions/receiving-and-responding, valid for the token's 15
minutes). `StoredInteraction` offers the two things the reporter uses of an interaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord.utils import MISSING

if TYPE_CHECKING:  # discord.types imported first at run time is a circular import of discord.py's
    from discord.types.webhook import Webhook as WebhookPayload


class StoredInteraction:
    def __init__(
        self,
        client: discord.Client,
        application_id: int,
        token: str,
        message_id: int,
    ) -> None:
        # An application webhook (type 3), as discord.py makes `Interaction.followup`: only that kind may
        # send an ephemeral followup (a private job's ping or notice); an incoming one (type 1, what
        # `Webhook.partial` makes) refuses with a ValueError before anything is sent. With the client's
        # state: its HTTP session, and views (buttons) that are the bot's.
        payload: WebhookPayload = {"id": application_id, "type": 3, "token": token}
        self.followup = discord.Webhook.from_state(payload, state=client._connection)
        self._message_id = message_id

    async def edit_original_response(
        self,
        *,
        content: None = None,
        embed: None = None,
        view: discord.ui.LayoutView,
        attachments: Sequence[discord.Attachment | discord.File] = MISSING,
    ) -> discord.Message:
        """Like `Interaction.edit_original_response` with a components V2 layout. Content and embed are
        sent as None, as that does: a message that has text (a followup that became the response, say)
        cannot take the layout otherwise (400/50035)."""
        # discord.py's overloads of Webhook.edit_message pair a LayoutView with no content; its
        # Interaction.edit_original_response, which the reporter calls alike, takes both.
        return await self.followup.edit_message(  # type: ignore[call-overload,no-any-return]
            self._message_id, content=content, embed=embed, view=view, attachments=attachments
        )


# What edits a job's response through its token: the interaction itself, or its token kept with the job.
ResponseToken = discord.Interaction | StoredInteraction
