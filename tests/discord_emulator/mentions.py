"""Who a new message notifies, decided the way Discord decides it from `allowed_mentions`.

https://discord.com/developers/docs/resources/message#allowed-mentions-object: "The allowed mention field
allows for more granular control over mentions ... This will always validate against message content to
avoid phantom pings". `parse` lists the mention types read from the content ("users", "roles",
"everyone"); `users` lists the user ids that may be pinged, and may not be combined with "users" in `parse`
(400 Invalid Form Body); `replied_user` says whether a reply pings the author of the message it replies to
(default false). Without `allowed_mentions` every mention in the content pings, and so does a reply.
Only creating a message notifies: an edit that adds a mention pings nobody.
"""

from __future__ import annotations

import re
from typing import Any

from .rest.responses import DiscordError

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_PARSE_TYPES = {"users", "roles", "everyone"}
MAX_IDS = 100


def _invalid(field: str, message: str) -> DiscordError:
    errors = {"allowed_mentions": {field: {"_errors": [{"code": "INVALID", "message": message}]}}}
    return DiscordError(400, 50035, "Invalid Form Body", errors)


def notified_user_ids(
    content: str, allowed: dict[str, Any] | None, replied_author_id: int | None = None
) -> list[int]:
    """The users a new message with this content pings, in order, each once."""
    in_content = [int(match) for match in _USER_MENTION.findall(content or "")]
    if allowed is None:
        pinged = in_content + ([replied_author_id] if replied_author_id is not None else [])
        return list(dict.fromkeys(pinged))
    parse = allowed.get("parse") or []
    users = [int(u) for u in allowed.get("users") or []]
    if set(parse) - _PARSE_TYPES:
        raise _invalid("parse", f"Values must be one of {sorted(_PARSE_TYPES)}.")
    if "users" in parse and users:
        raise _invalid("users", 'parse "users" and a users list are mutually exclusive.')
    if len(users) > MAX_IDS:
        raise _invalid("users", f"Must be {MAX_IDS} or fewer in length.")
    pinged = [u for u in in_content if "users" in parse or u in users]
    if allowed.get("replied_user") and replied_author_id is not None:
        pinged.append(replied_author_id)
    return list(dict.fromkeys(pinged))


def hide_content(data: dict[str, Any], app_id: int, mentioned_ids: list[int], *, is_dm: bool) -> None:
    """What an app without the MESSAGE_CONTENT intent receives: "empty values in the content, embeds,
    attachments, and components fields", except for "content in messages that an app sends", "content in
    DMs with the app" and "content in which the app is mentioned"
    (https://discord.com/developers/docs/events/gateway#message-content-intent)."""
    if is_dm or int(data["author"]["id"]) == app_id or app_id in mentioned_ids:
        return
    data.update(content="", embeds=[], attachments=[], components=[])
