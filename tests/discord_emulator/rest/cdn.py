"""The CDN: attachment URLs the bot can download (slash-command uploads, users' files and its own).

Files are streamed in chunks with their Content-Length, as a CDN does, and the bytes actually written
before the client stopped reading are counted per attachment (``cdn_bytes_sent``): a test can tell a
download read to the end from one that gave up early (a reader with a size cap).
"""

from __future__ import annotations

from aiohttp import web

from .context import context

CHUNK = 64 * 1024


async def attachment(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    raw = request.match_info["attachment_id"]
    stored = ctx.world.cdn.get(int(raw)) if raw.isdigit() else None
    if stored is None or stored.filename != request.match_info["filename"]:
        return web.Response(status=404, text="Not Found")
    ctx.cdn_downloads.append(stored.id)
    response = web.StreamResponse(headers={"Content-Type": stored.content_type or "application/octet-stream"})
    response.content_length = stored.size
    await response.prepare(request)
    sent = ctx.cdn_bytes_sent[stored.id] = 0
    try:
        for start in range(0, stored.size, CHUNK):
            chunk = stored.data[start : start + CHUNK]
            await response.write(chunk)
            sent += len(chunk)
            ctx.cdn_bytes_sent[stored.id] = sent
        await response.write_eof()
    except (ConnectionError, RuntimeError):
        # The client hung up before the end (a capped reader stops early); nothing else to send.
        pass
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/attachments/{attachment_id}/{filename}", attachment)
