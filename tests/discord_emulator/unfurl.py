"""What Discord stores for a components V2 message: `attachment://<filename>` references resolved to the
uploaded attachment and ids given to components sent without one.

components/reference.mdx, Unfurled Media Item: "only the `url` field is settable by developers [...] All
other fields will be automatically populated by Discord" (proxy_url, content_type, attachment_id ...); File:
`name` and `size` are "provided by the API as part of the response". Anatomy of a Component: the `id` "is
generated sequentially if left empty. Generation of `id`s won't use another `id` that exists in the message".
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from .filenames import cleansed
from .models import Attachment, MessageRevision
from .rest.components_v2 import ATTACHMENT_SCHEME, FILE, IS_COMPONENTS_V2, walk


def stored_components(
    components: Sequence[dict[str, Any]], attachments: Sequence[Attachment]
) -> list[dict[str, Any]]:
    stored = copy.deepcopy(list(components))
    by_name = {a.filename: a for a in attachments}
    every = list(walk(stored))
    taken = {c["id"] for c in every if isinstance(c.get("id"), int) and c["id"] != 0}
    next_id = 1
    for component in every:
        if not component.get("id"):
            while next_id in taken:
                next_id += 1
            component["id"] = next_id
            taken.add(next_id)
        if component.get("type") == FILE:
            attachment = by_name.get(_filename(component.get("file") or {}))
            if attachment is not None:
                component["name"], component["size"] = attachment.filename, attachment.size
        for media in _media_of(component):
            _resolve(media, by_name)
    return stored


def _media_of(component: dict[str, Any]) -> list[dict[str, Any]]:
    found = [component[k] for k in ("media", "file") if isinstance(component.get(k), dict)]
    found += [item["media"] for item in component.get("items") or [] if isinstance(item.get("media"), dict)]
    return found


def _filename(media: dict[str, Any]) -> str:
    url = str(media.get("url") or "")
    return cleansed(url[len(ATTACHMENT_SCHEME) :]) if url.startswith(ATTACHMENT_SCHEME) else ""


def _resolve(media: dict[str, Any], by_name: dict[str, Attachment]) -> None:
    attachment = by_name.get(_filename(media))
    if attachment is None:
        return
    media.update(
        url=attachment.url,
        proxy_url=attachment.url,
        content_type=attachment.content_type,
        attachment_id=str(attachment.id),
        flags=0,
    )


def shown_attachments(revision: MessageRevision) -> list[Attachment]:
    """The message object's `attachments`: "any attached files that are not referenced in embeds or
    components" (resources/message.mdx, Message Object; discord/discord-api-docs#8279). Only components
    V2 references are left out here: the legacy embed messages keep every file, as before."""
    if not revision.flags & IS_COMPONENTS_V2:
        return list(revision.attachments)
    referenced = {
        str(media.get("attachment_id"))
        for component in walk(revision.components)
        for media in _media_of(component)
        if media.get("attachment_id")
    }
    return [a for a in revision.attachments if str(a.id) not in referenced]
