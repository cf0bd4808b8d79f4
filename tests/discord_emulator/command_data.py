"""The data of an application command interaction as Discord's client builds it: the options typed by the
synced command's definition (or guessed from the values), subcommand nesting, resolved users, members,
channels, roles and attachments (uploaded to the CDN)."""

from __future__ import annotations

from typing import Any

from . import payloads
from .interaction_models import ApplicationCommand
from .models import Channel, Guild, Member, Role, User
from .world import World

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2

Upload = tuple[str, bytes, str]  # (filename, data, content_type)


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, Member | User):
        return USER
    if isinstance(value, Channel):
        return CHANNEL
    if isinstance(value, Role):
        return ROLE
    return STRING


def _option_defs(command: ApplicationCommand | None, path: list[str]) -> dict[str, dict[str, Any]]:
    if command is None:
        return {}
    options: list[dict[str, Any]] = command.payload.get("options") or []
    for name in path:
        options = next((o.get("options") or [] for o in options if o["name"] == name), [])
    return {o["name"]: o for o in options}


def command_data(
    world: World,
    guild: Guild | None,
    name: str,
    options: dict[str, Any],
    attachments: dict[str, Upload],
    path: list[str],
    guild_command: bool | None,
    focused: str | None = None,
) -> dict[str, Any]:
    guild_id = guild.id if guild is not None else None
    command = world.find_command(name, guild_id)
    defs = _option_defs(command, path)
    resolved: dict[str, dict[str, Any]] = {}
    built: list[dict[str, Any]] = []
    for key, value in options.items():
        kind = int(defs[key]["type"]) if key in defs else _infer_type(value)
        if key == focused:
            kind = kind if kind in (STRING, INTEGER, NUMBER) else STRING
        built.append(_option(key, kind, value, resolved, focused=key == focused))
    for key, (filename, content, content_type) in attachments.items():
        if command is not None and int(defs.get(key, {}).get("type", 0)) != ATTACHMENT:
            # Discord's client offers a file picker only for ATTACHMENT (type 11) options
            # (https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-type).
            raise ValueError(f"/{name} option {key!r} is not an attachment option")
        stored = world.store_attachment(filename, content, content_type)
        stored.ephemeral = True
        resolved.setdefault("attachments", {})[str(stored.id)] = payloads.attachment(stored)
        built.append({"name": key, "type": ATTACHMENT, "value": str(stored.id)})
    for depth, parent in reversed(list(enumerate(path))):
        kind = SUB_COMMAND if depth == len(path) - 1 else SUB_COMMAND_GROUP
        built = [{"name": parent, "type": kind, "options": built}]
    data: dict[str, Any] = {
        "id": str(command.id if command is not None else world.snowflakes.next()),
        "name": name,
        "type": 1,
    }
    if built:
        data["options"] = built
    if resolved:
        data["resolved"] = resolved
    is_guild_command = command is not None and command.guild_id is not None
    if guild is not None and (guild_command if guild_command is not None else is_guild_command):
        data["guild_id"] = str(guild.id)
    return data


def _option(
    name: str, kind: int, value: Any, resolved: dict[str, dict[str, Any]], *, focused: bool
) -> dict[str, Any]:
    option: dict[str, Any] = {"name": name, "type": kind}
    if focused:
        option["focused"] = True
        option["value"] = str(value)
        return option
    if isinstance(value, Member):
        resolved.setdefault("users", {})[str(value.id)] = payloads.user(value.user)
        resolved.setdefault("members", {})[str(value.id)] = payloads.member(value, with_user=False)
        value = str(value.id)
    elif isinstance(value, User):
        resolved.setdefault("users", {})[str(value.id)] = payloads.user(value)
        value = str(value.id)
    elif isinstance(value, Channel):
        entry = payloads.channel(value)
        entry["permissions"] = str((1 << 53) - 1)
        resolved.setdefault("channels", {})[str(value.id)] = entry
        value = str(value.id)
    elif isinstance(value, Role):
        resolved.setdefault("roles", {})[str(value.id)] = payloads.role(value)
        value = str(value.id)
    option["value"] = value
    return option
