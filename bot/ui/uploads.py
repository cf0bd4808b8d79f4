"""Files the bot uploads to Discord, declared with their real media type.

discord.py declares every upload `application/octet-stream`, and Discord keeps the declared type as the
attachment's `content_type` ("the attachment's media type", https://discord.com/developers/docs/resources/
message#attachment-object-attachment-structure), which clients use to decide whether to preview an image
or offer a player. A file made here travels as a `TypedBytes` body, and the aiohttp payload registered for
that type sends the file's own media type instead, on every route (channel messages, interaction
webhooks, DMs).
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import PurePath
from typing import Any

import discord
from aiohttp import hdrs, payload

OCTET_STREAM = "application/octet-stream"
# What the bot produces, spelled as browsers expect; anything else falls back to the mimetypes table.
_MEDIA_TYPES = {
    ".png": "image/png",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".mp3": "audio/mpeg",
    ".flac": "audio/flac",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".json": "application/json",
    ".txt": "text/plain",
}


def media_type(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(filename)[0] or OCTET_STREAM


class TypedBytes(io.BytesIO):
    """File contents that know their media type."""

    def __init__(self, data: bytes, content_type: str) -> None:
        super().__init__(data)
        self.content_type = content_type


class _TypedBytesPayload(payload.BytesIOPayload):
    def __init__(self, value: TypedBytes, *args: Any, **kwargs: Any) -> None:
        headers = dict(kwargs.pop("headers", None) or {})
        headers[hdrs.CONTENT_TYPE] = value.content_type
        kwargs["content_type"] = value.content_type
        super().__init__(value, *args, headers=headers, **kwargs)


# Keyed by the exact type, so no other body is affected.
payload.PAYLOAD_REGISTRY.register(_TypedBytesPayload, TypedBytes)


def typed_file(filename: str, data: bytes) -> discord.File:
    """A discord.File whose upload declares the media type its name implies."""
    return discord.File(TypedBytes(data, media_type(filename)), filename=filename)
