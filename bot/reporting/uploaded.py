"""Where Discord put the files of a message it accepted.

A components V2 message lists in `attachments` only the files its components do not show ("any attached
files that are not referenced in embeds or components", https://discord.com/developers/docs/resources/
message#message-object); the others are found in the components, resolved by Discord from
`attachment://<filename>` to their CDN address.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from urllib.parse import unquote, urlsplit

import discord
from discord.components import (
    ActionRow,
    Container,
    FileComponent,
    MediaGalleryComponent,
    SectionComponent,
    ThumbnailComponent,
)


def uploaded_urls(message: discord.Message, filenames: Sequence[str]) -> list[str | None]:
    """The CDN address of each file named (None for one the message does not hold), in order."""
    found = {attachment.filename: attachment.url for attachment in message.attachments}
    for url in _media_urls(message.components):
        found.setdefault(_filename(url), url)
    return [found.get(name) for name in filenames]


def _media_urls(components: Sequence[discord.components.Component]) -> Iterator[str]:
    for component in components:
        if isinstance(component, MediaGalleryComponent):
            yield from (item.media.url for item in component.items)
        elif isinstance(component, FileComponent | ThumbnailComponent):
            yield component.media.url
        elif isinstance(component, SectionComponent):
            yield from _media_urls([*component.children, component.accessory])
        elif isinstance(component, Container | ActionRow):
            yield from _media_urls(component.children)


def _filename(url: str) -> str:
    """The file's name: the last part of its address (Discord's CDN adds a query after it)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])
