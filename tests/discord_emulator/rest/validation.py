"""Discord's limits on a message body, answered with its 400 "Invalid Form Body" (code 50035)."""

from __future__ import annotations

from typing import Any

from ..models import Attachment, MessageRevision
from ..unfurl import stored_components
from .components_v2 import FormErrors, check_components, check_flag_rules
from .responses import DiscordError

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_ATTACHMENTS = 10
MAX_EMBED_TEXT = 6000


def _field_error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def validate_message(fields: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    content = fields.get("content") or ""
    if len(content) > MAX_CONTENT:
        errors["content"] = _field_error("BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length.")
    embeds = fields.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        errors["embeds"] = _field_error("BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
    elif (
        sum(len(str(e.get("title", ""))) + len(str(e.get("description", ""))) for e in embeds)
        > MAX_EMBED_TEXT
    ):
        errors["embeds"] = _field_error("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    if len(fields.get("attachments") or []) > MAX_ATTACHMENTS:
        errors["attachments"] = _field_error(
            "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ATTACHMENTS} or fewer in length."
        )
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", errors)


def validate_components(
    raw: dict[str, Any], fields: dict[str, Any], current: MessageRevision | None, existing: list[Attachment]
) -> None:
    """The components V2 rules (components_v2.py) for a create (`current` None) or an edit of `current`.

    On success the stored components get Discord's resolved media and ids (unfurl.py)."""
    errors = FormErrors()
    now = None
    if current is not None:
        now = {"flags": current.flags, "content": current.content, "embeds": current.embeds}
    v2 = check_flag_rules(raw, now, errors)
    attachments: list[Attachment] = fields.get("attachments", existing)
    if "components" in raw:
        check_components(raw.get("components") or [], v2, [a.filename for a in attachments], errors)
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", errors.tree)
    if "components" in fields and v2:
        fields["components"] = stored_components(fields["components"] or [], attachments)
