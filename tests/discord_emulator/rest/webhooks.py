"""/webhooks/{application_id}/{token}...: the original response and followups of an interaction.

"Apps are limited to 5 followup messages per interaction if it was initiated from a user-installed app and
isn't installed in the server (meaning the authorizing integration owners object only contains
USER_INSTALL)" (receiving-and-responding#create-followup-message); past it Discord answers JSON error 40094
"This interaction has hit the maximum number of follow up messages" (topics/opcodes-and-status-codes).
The followup that turns a "thinking…" defer into the response makes no new message and is not counted.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import payloads
from ..interaction_models import Interaction, TokenState
from ..mentions import notified_user_ids
from ..models import EPHEMERAL, LOADING, Message
from .components_v2 import IS_COMPONENTS_V2
from .context import RestContext, body, context, message_fields
from .interactions import interaction_metadata
from .responses import DiscordError, json_response, no_content, unknown_message, unknown_webhook

USER_INSTALL_FOLLOWUP_CAP = 5


def _interaction_for_webhook(ctx: RestContext, request: web.Request) -> Interaction:
    interaction = ctx.world.interaction_by_token(request.match_info["token"])
    if interaction is None or request.match_info["webhook_id"] != str(ctx.world.application_id):
        raise unknown_webhook()
    state = interaction.token_state
    if state is TokenState.VALID and ctx.world.token_expired(interaction):
        state = ctx.world.expired_token_state
    if state is TokenState.INVALID_TOKEN:
        raise DiscordError(401, 50027, "Invalid Webhook Token")
    if state is TokenState.UNKNOWN_WEBHOOK:
        raise unknown_webhook()
    return interaction


def _webhook_message(ctx: RestContext, interaction: Interaction, raw_id: str) -> Message:
    if raw_id == "@original":
        message_id = interaction.response_message_id
    else:
        message_id = int(raw_id) if raw_id.isdigit() else None
        if (
            message_id != interaction.response_message_id
            and message_id not in interaction.followup_message_ids
        ):
            message_id = None
    message = ctx.world.message(message_id) if message_id is not None else None
    if message is None or message.deleted:
        raise unknown_message()
    return message


def _message_json(ctx: RestContext, message: Message) -> web.Response:
    return json_response(payloads.message(message, me_id=ctx.world.bot_user.id))


async def get_message(request: web.Request) -> web.Response:
    ctx = context(request)
    interaction = _interaction_for_webhook(ctx, request)
    return _message_json(ctx, _webhook_message(ctx, interaction, request.match_info["message_id"]))


async def edit_message(request: web.Request) -> web.Response:
    ctx = context(request)
    interaction = _interaction_for_webhook(ctx, request)
    message = _webhook_message(ctx, interaction, request.match_info["message_id"])
    fields = message_fields(request, message.attachments, current=message.current)
    # Editing a deferred ("thinking…") response turns it into a real one; ephemerality is fixed at creation,
    # and an edit without flags keeps the others (IS_COMPONENTS_V2 among them).
    asked = fields.get("flags")
    kept = message.flags & ~LOADING if asked is None else (int(asked) & ~EPHEMERAL & ~LOADING)
    fields["flags"] = kept | (message.flags & EPHEMERAL)
    await ctx.messaging.edit(message, fields)
    return _message_json(ctx, message)


async def delete_message(request: web.Request) -> web.Response:
    ctx = context(request)
    interaction = _interaction_for_webhook(ctx, request)
    message = _webhook_message(ctx, interaction, request.match_info["message_id"])
    await ctx.messaging.delete(message)
    return no_content()


async def followup(request: web.Request) -> web.Response:
    ctx = context(request)
    interaction = _interaction_for_webhook(ctx, request)
    if not interaction.acked:
        raise unknown_webhook()
    original = ctx.world.message(interaction.response_message_id or 0)
    if (
        original is not None
        and not original.deleted
        and interaction.response_type == 5
        and original.flags & LOADING
    ):
        # Discord turns the first followup after a "thinking" defer into the original response
        # (unless the bot deleted that response: then the followup is a new message).
        fields = message_fields(request, [])
        asked = int(fields.get("flags") or 0) & IS_COMPONENTS_V2
        fields["flags"] = asked | (original.flags & EPHEMERAL)
        await ctx.messaging.edit(original, fields)
        message = original
    else:
        if (
            interaction.user_install_only
            and len(interaction.followup_message_ids) >= USER_INSTALL_FOLLOWUP_CAP
        ):
            raise DiscordError(
                400, 40094, "This interaction has hit the maximum number of follow up messages"
            )
        fields = message_fields(request, [])
        if interaction.forced_ephemeral:
            fields["flags"] = int(fields.get("flags") or 0) | EPHEMERAL
        channel = ctx.world.channels[interaction.channel_id]
        message = await ctx.messaging.post(
            channel,
            ctx.world.bot_user,
            fields,
            webhook_id=ctx.world.application_id,
            application_id=ctx.world.application_id,
            interaction_id=interaction.id,
            interaction_metadata=_followup_metadata(interaction),
            notified_user_ids=notified_user_ids(
                fields.get("content") or "", body(request).fields.get("allowed_mentions")
            ),
        )
        interaction.followup_message_ids.append(message.id)
    if request.query.get("wait") in ("1", "true", "True"):
        return _message_json(ctx, message)
    return no_content()


def _followup_metadata(interaction: Interaction) -> dict[str, Any]:
    """A followup's `interaction_metadata` also names the interaction's original response:
    "original_response_message_id? snowflake: ID of the original response message, present only on
    follow-up messages" (https://discord.com/developers/docs/resources/message#message-interaction-metadata-object)."""
    meta = interaction_metadata(interaction)
    if interaction.response_message_id is not None:
        meta["original_response_message_id"] = str(interaction.response_message_id)
    return meta


def add_routes(app: web.Application) -> None:
    base = "/api/v10/webhooks/{webhook_id}/{token}"
    app.router.add_post(base, followup)
    app.router.add_get(base + "/messages/{message_id}", get_message)
    app.router.add_patch(base + "/messages/{message_id}", edit_message)
    app.router.add_delete(base + "/messages/{message_id}", delete_message)
