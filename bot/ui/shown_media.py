"""The media a message shows through its components (galleries, files, thumbnails).

A components V2 message lists in `attachments` only the files its components do not show ("any attached
files that are not referenced in embeds or components", https://discord.com/developers/docs/resources/
message#message-object); the others are found in the components, resolved by Discord from
`attachment://<filename>` to their CDN address, with their media type.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import discord
from discord.components import (
    ActionRow,
    Container,
    FileComponent,
    MediaGalleryComponent,
    SectionComponent,
    ThumbnailComponent,
    UnfurledMediaItem,
)


@dataclass(frozen=True, slots=True)
class ShownMedia:
    url: str
    filename: str
    content_type: str | None


def shown_media(message: discord.Message) -> list[ShownMedia]:
    """Every file the message's components show, in order."""
    return [
        ShownMedia(media.url, filename_of(media.url), media.content_type)
        for media in _media(message.components)
    ]


def filename_of(url: str) -> str:
    """A file's name: the last part of its address (Discord's CDN adds a query after it)."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _media(components: Sequence[discord.components.Component]) -> Iterator[UnfurledMediaItem]:
    for component in components:
        if isinstance(component, MediaGalleryComponent):
            yield from (item.media for item in component.items)
        elif isinstance(component, FileComponent | ThumbnailComponent):
            yield component.media
        elif isinstance(component, SectionComponent):
            yield from _media([*component.children, component.accessory])
        elif isinstance(component, Container | ActionRow):
            yield from _media(component.children)
