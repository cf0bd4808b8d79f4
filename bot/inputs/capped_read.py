"""Download a file with a size cap: refuse from the declared size or Content-Length when they already say
too much, and stop reading the moment the body passes the cap whatever they said (a server may lie or not
say). Network trouble becomes a friendly :class:`UserFacingError`; no aiohttp error leaves this module.

The caller hands in the process's one aiohttp session (``bot.runtime.http``); nothing here opens another.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from core.errors import UserFacingError
from core.inputs.facts import too_large
from core.texts import Text

log = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
DEFAULT_TIMEOUT_S = 60.0


# What is downloaded, as the sentences below name it ("I couldn't download the {what}").
FILE = Text("download.what.file", "file")


def unreachable(what: Text) -> UserFacingError:
    return UserFacingError(
        Text("download.failed", f"I couldn't download the {what}; please attach it again.", {"what": what})
    )


async def read_capped(
    http: aiohttp.ClientSession,
    url: str,
    *,
    max_bytes: int,
    declared_size: int | None = None,
    what: Text = FILE,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> bytes:
    """The body at ``url``, at most ``max_bytes`` long; raises InputRefused (too large) or UserFacingError.

    ``declared_size`` (an attachment's ``size``) refuses before any request when it is already too much;
    it is never trusted to be small: the body is counted as it arrives.
    """
    if declared_size is not None and declared_size > max_bytes:
        raise too_large(max_bytes, declared_size)
    try:
        async with asyncio.timeout(timeout_s), http.get(url) as response:
            if response.status != 200:
                log.info("download answered HTTP %s", response.status)
                raise unreachable(what)
            if response.content_length is not None and response.content_length > max_bytes:
                raise too_large(max_bytes, response.content_length)
            return await _read_body(response, max_bytes)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.info("download failed: %r", error)
        raise unreachable(what) from error


async def _read_body(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    # Joined once at the end: a growing bytearray reallocates as it grows, and bytes() then copied it whole.
    received: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            # Leaving the `async with` closes the connection: the rest is never read.
            response.close()
            raise too_large(max_bytes)
        received.append(chunk)
    return b"".join(received)
