"""/applications/{application_id}[/guilds/{guild_id}]/commands: command sync, stored with ids.

`integration_types` and `contexts` (application-commands, application command object) are validated as
Discord does: each a list of known values (integration types 0 GUILD_INSTALL, 1 USER_INSTALL; interaction
context types 0 GUILD, 1 BOT_DM, 2 PRIVATE_CHANNEL), and installation contexts may be set "as long as any
included contexts are already supported on the application-level" (the app's Installation settings), or the
whole request is refused with 400 / 50035 Invalid Form Body. They apply to global commands only ("only for
globally-scoped commands"): a guild command keeps them but is used in its guild alone (models).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..interaction_models import ApplicationCommand
from .command_names import validate_names
from .context import RestContext, body, context
from .responses import DiscordError, json_response


def _check_application(ctx: RestContext, request: web.Request) -> None:
    if request.match_info["application_id"] != str(ctx.world.application_id):
        raise DiscordError(403, 50001, "Missing Access")


INTEGRATION_TYPES = (0, 1)
CONTEXT_TYPES = (0, 1, 2)


def _choices_error(allowed: tuple[int, ...]) -> dict[str, Any]:
    return {"_errors": [{"code": "BASE_TYPE_CHOICES", "message": f"Value must be one of {allowed}."}]}


def _validate_contexts(ctx: RestContext, submitted: list[dict[str, Any]]) -> None:
    errors: dict[str, Any] = {}
    for index, entry in enumerate(submitted):
        found: dict[str, Any] = {}
        for key, allowed in (("integration_types", INTEGRATION_TYPES), ("contexts", CONTEXT_TYPES)):
            values = entry.get(key)
            if values is None:
                continue
            if not isinstance(values, list):
                found[key] = {"_errors": [{"code": "LIST_TYPE_CONVERT", "message": "Must be an array."}]}
                continue
            bad = {str(i): _choices_error(allowed) for i, v in enumerate(values) if v not in allowed}
            if bad:
                found[key] = bad
        unsupported = set(entry.get("integration_types") or []) - ctx.world.installation_contexts
        if "integration_types" not in found and unsupported:
            found["integration_types"] = {
                "_errors": [
                    {
                        "code": "APPLICATION_COMMAND_INTEGRATION_TYPE_NOT_SUPPORTED",
                        "message": f"Installation contexts {sorted(unsupported)} are not enabled.",
                    }
                ]
            }
        if found:
            errors[str(index)] = found
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", errors)


def _store(ctx: RestContext, guild_id: int | None, submitted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = (
        ctx.world.global_commands if guild_id is None else ctx.world.guild_commands.setdefault(guild_id, {})
    )
    previous = dict(table)
    table.clear()
    for entry in submitted:
        old = previous.get(entry["name"])
        command_id = old.id if old is not None else ctx.world.snowflakes.next()
        stored: dict[str, Any] = {
            "type": 1,
            "description": "",
            "default_member_permissions": None,
            "nsfw": False,
            **entry,
            "id": str(command_id),
            "application_id": str(ctx.world.application_id),
            "version": str(ctx.world.snowflakes.next()),
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        table[entry["name"]] = ApplicationCommand(command_id, guild_id, stored)
    return [c.payload for c in table.values()]


def _guild_id(ctx: RestContext, request: web.Request) -> int | None:
    if "guild_id" not in request.match_info:
        return None
    return ctx.guild(request.match_info["guild_id"]).id


async def bulk_overwrite(request: web.Request) -> web.Response:
    ctx = context(request)
    _check_application(ctx, request)
    submitted = body(request).json
    if not isinstance(submitted, list):
        raise DiscordError(400, 50035, "Invalid Form Body")
    _validate_contexts(ctx, submitted)
    validate_names(submitted)
    result = _store(ctx, _guild_id(ctx, request), submitted)
    await ctx.notify()
    return json_response(result)


async def list_commands(request: web.Request) -> web.Response:
    ctx = context(request)
    _check_application(ctx, request)
    guild_id = _guild_id(ctx, request)
    table = ctx.world.global_commands if guild_id is None else ctx.world.guild_commands.get(guild_id, {})
    return json_response([c.payload for c in table.values()])


def add_routes(app: web.Application) -> None:
    for base in (
        "/api/v10/applications/{application_id}",
        "/api/v10/applications/{application_id}/guilds/{guild_id}",
    ):
        app.router.add_put(base + "/commands", bulk_overwrite)
        app.router.add_get(base + "/commands", list_commands)
