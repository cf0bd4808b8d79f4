"""The CDN: attachment URLs the bot can download (slash-command uploads and its own files)."""

from __future__ import annotations

from aiohttp import web

from .context import context


async def attachment(request: web.Request) -> web.Response:
    ctx = context(request)
    raw = request.match_info["attachment_id"]
    stored = ctx.world.cdn.get(int(raw)) if raw.isdigit() else None
    if stored is None or stored.filename != request.match_info["filename"]:
        return web.Response(status=404, text="Not Found")
    ctx.cdn_downloads.append(stored.id)
    return web.Response(body=stored.data, content_type=stored.content_type or "application/octet-stream")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/attachments/{attachment_id}/{filename}", attachment)
