"""POST /interactions/{id}/{token}/callback: the bot's first answer to an interaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from .. import payloads
from ..interaction_models import Interaction, InteractionType, TokenState
from ..mentions import notified_user_ids
from ..models import EPHEMERAL, LOADING, Message
from .autocomplete import validate_autocomplete
from .components_v2 import IS_COMPONENTS_V2, deferred_flags_error
from .context import RestContext, body, context, message_fields
from .modals import validate_modal
from .responses import DiscordError, json_response

CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
COMPONENT_ONLY = (DEFERRED_UPDATE, UPDATE_MESSAGE)
ACK_DEADLINE = dt.timedelta(seconds=3)


def unknown_interaction() -> DiscordError:
    return DiscordError(404, 10062, "Unknown interaction")


def _interaction_for_callback(ctx: RestContext, raw_id: str, token: str) -> Interaction:
    interaction = ctx.world.interactions.get(int(raw_id)) if raw_id.isdigit() else None
    if interaction is None or interaction.token != token:
        raise unknown_interaction()
    if interaction.acked:
        raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
    too_late = ctx.world.now() - interaction.created_at > ACK_DEADLINE
    if too_late or interaction.token_state is not TokenState.VALID:
        raise unknown_interaction()
    return interaction


async def callback(request: web.Request) -> web.Response:
    ctx = context(request)
    gate = ctx.faults.callback_gate
    if gate is not None and gate.arrived < gate.count:
        await gate.passing()
    interaction = _interaction_for_callback(
        ctx, request.match_info["interaction_id"], request.match_info["token"]
    )
    fields = body(request).fields
    kind = int(fields.get("type", 0))
    data: dict[str, Any] = fields.get("data") or {}
    if kind in COMPONENT_ONLY and interaction.type not in (
        InteractionType.MESSAGE_COMPONENT,
        InteractionType.MODAL_SUBMIT,
    ):
        raise DiscordError(400, 50035, "Invalid Form Body")
    if kind == AUTOCOMPLETE_RESULT and interaction.type is not InteractionType.AUTOCOMPLETE:
        raise DiscordError(400, 50035, "Invalid Form Body")

    message: Message | None = None
    if kind == CHANNEL_MESSAGE:
        message = await _post_response(ctx, request, interaction, data, loading=False)
    elif kind == DEFERRED_CHANNEL_MESSAGE:
        # "the only valid message flag you may use is EPHEMERAL" (receiving-and-responding.mdx): a
        # components V2 reply is made by editing the original response afterwards.
        if int(data.get("flags") or 0) & IS_COMPONENTS_V2:
            raise DiscordError(400, 50035, "Invalid Form Body", deferred_flags_error())
        message = await _post_response(
            ctx, request, interaction, {"flags": data.get("flags", 0)}, loading=True
        )
    elif kind in COMPONENT_ONLY:
        message = ctx.world.message(interaction.source_message_id or 0)
        if message is not None and kind == UPDATE_MESSAGE:
            await ctx.messaging.edit(
                message, message_fields(request, message.attachments, data, current=message.current)
            )
    elif kind == AUTOCOMPLETE_RESULT:
        interaction.autocomplete_choices = validate_autocomplete(data)
    elif kind == MODAL:
        validate_modal(data, answering_a_modal=interaction.type is InteractionType.MODAL_SUBMIT)
        interaction.modal = data
    else:
        raise DiscordError(400, 50035, "Invalid Form Body")

    interaction.response_type = kind
    if message is not None:
        interaction.response_message_id = message.id
        interaction.ephemeral = message.ephemeral
    await ctx.notify()
    return json_response(_callback_response(ctx, interaction, kind, message))


async def _post_response(
    ctx: RestContext, request: web.Request, interaction: Interaction, data: dict[str, Any], *, loading: bool
) -> Message:
    channel = ctx.world.channels[interaction.channel_id]
    fields = {} if loading else message_fields(request, [], data)
    flags = int(data.get("flags") or 0) | (EPHEMERAL if interaction.forced_ephemeral else 0)
    fields["flags"] = (flags & EPHEMERAL | LOADING) if loading else flags
    for attachment in fields.get("attachments", []):
        attachment.ephemeral = bool(flags & EPHEMERAL)
    return await ctx.messaging.post(
        channel,
        ctx.world.bot_user,
        fields,
        type=20 if interaction.type is InteractionType.APPLICATION_COMMAND else 0,
        webhook_id=ctx.world.application_id,
        application_id=ctx.world.application_id,
        interaction_id=interaction.id,
        interaction_metadata=interaction_metadata(interaction),
        notified_user_ids=notified_user_ids(fields.get("content") or "", data.get("allowed_mentions")),
    )


def interaction_metadata(interaction: Interaction) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "id": str(interaction.id),
        "type": int(interaction.type),
        "user": payloads.user(interaction.user),
        "authorizing_integration_owners": dict(interaction.owners),
    }
    if interaction.type is InteractionType.APPLICATION_COMMAND:
        meta["name"] = interaction.payload["data"]["name"]
        meta["command_type"] = 1
    if interaction.source_message_id is not None:
        meta["interacted_message_id"] = str(interaction.source_message_id)
    return meta


def _callback_response(
    ctx: RestContext, interaction: Interaction, kind: int, message: Message | None
) -> dict[str, Any]:
    summary: dict[str, Any] = {"id": str(interaction.id), "type": int(interaction.type)}
    if message is not None:
        summary["response_message_id"] = str(message.id)
        summary["response_message_loading"] = bool(message.flags & LOADING)
        summary["response_message_ephemeral"] = message.ephemeral
    result: dict[str, Any] = {"interaction": summary}
    if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, UPDATE_MESSAGE) and message is not None:
        result["resource"] = {
            "type": kind,
            "message": payloads.message(message, me_id=ctx.world.bot_user.id),
        }
    elif kind == MODAL:
        result["resource"] = {"type": kind}
    return result


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/v10/interactions/{interaction_id}/{token}/callback", callback)
