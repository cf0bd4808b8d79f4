"""Reading what a stored message shows, whether it is a legacy message (content, embeds, action rows) or a
components V2 one (Text Displays, galleries and files inside containers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .models import Message, MessageRevision
from .rest.components_v2 import BUTTON, FILE, IS_COMPONENTS_V2, MEDIA_GALLERY, TEXT_DISPLAY, THUMBNAIL, walk


def _revision(shown: Message | MessageRevision) -> MessageRevision:
    return shown.current if isinstance(shown, Message) else shown


def components_of(shown: Message | MessageRevision) -> Iterator[dict[str, Any]]:
    """Every component of the message, nested ones included (buttons inside containers, too)."""
    return walk(_revision(shown).components)


def is_v2(shown: Message | MessageRevision) -> bool:
    return bool(_revision(shown).flags & IS_COMPONENTS_V2)


def texts(shown: Message | MessageRevision) -> list[str]:
    """The Text Displays' contents, in order."""
    return [str(c.get("content") or "") for c in components_of(shown) if c.get("type") == TEXT_DISPLAY]


def text_of(shown: Message | MessageRevision) -> str:
    """All the words a member reads: content, embeds (title, description, fields, footer), Text Displays."""
    revision = _revision(shown)
    parts = [revision.content]
    for embed in revision.embeds:
        parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
        parts += [f"{f.get('name')}: {f.get('value')}" for f in embed.get("fields") or []]
        parts.append(str((embed.get("footer") or {}).get("text") or ""))
    parts += texts(revision)
    return "\n".join(p for p in parts if p)


def buttons(shown: Message | MessageRevision) -> list[dict[str, Any]]:
    return [c for c in components_of(shown) if c.get("type") == BUTTON]


def gallery_items(shown: Message | MessageRevision) -> list[dict[str, Any]]:
    """The items of every Media Gallery, in order."""
    found: list[dict[str, Any]] = []
    for component in components_of(shown):
        if component.get("type") == MEDIA_GALLERY:
            found += component.get("items") or []
    return found


def is_spoiler(item: dict[str, Any]) -> bool:
    """A gallery item, File or Thumbnail shown blurred until clicked (its `spoiler`, false when absent)."""
    return item.get("spoiler") is True


def files(shown: Message | MessageRevision) -> list[dict[str, Any]]:
    return [c for c in components_of(shown) if c.get("type") == FILE]


def thumbnails(shown: Message | MessageRevision) -> list[dict[str, Any]]:
    return [c for c in components_of(shown) if c.get("type") == THUMBNAIL]


def footers(shown: Message | MessageRevision) -> list[str]:
    """The small print of a message: its embeds' footers, and Text Display lines in subtext ("-# ...")."""
    revision = _revision(shown)
    found = [str((e.get("footer") or {}).get("text") or "") for e in revision.embeds]
    for content in texts(revision):
        found += [line.removeprefix("-# ") for line in content.splitlines() if line.startswith("-# ")]
    return [f for f in found if f]


def labelled(shown: Message | MessageRevision) -> dict[str, str]:
    """Name → value of what a message lists: embed fields, and Text Display lines "**Name:** value"."""
    revision = _revision(shown)
    found = {str(f.get("name")): str(f.get("value")) for e in revision.embeds for f in e.get("fields") or []}
    for content in texts(revision):
        for line in content.splitlines():
            if line.startswith("**") and ":** " in line:
                name, _, value = line[2:].partition(":** ")
                found[name] = value
    return found
