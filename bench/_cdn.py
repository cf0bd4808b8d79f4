"""A stand-in for Discord's CDN in a process of its own: serves the files of a folder over HTTP.

`python -m bench._cdn FOLDER` prints one JSON line {"url": "http://127.0.0.1:PORT"} and serves
GET /attachments/<name> (with Content-Length, as the CDN does) until killed.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from aiohttp import web


async def serve(folder: Path) -> None:
    async def attachment(request: web.Request) -> web.StreamResponse:
        path = folder / request.match_info["name"]
        if not path.is_file() or path.parent != folder:
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Content-Type": "image/png"})

    app = web.Application()
    app.router.add_get("/attachments/{name}", attachment)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(json.dumps({"url": f"http://127.0.0.1:{runner.addresses[0][1]}"}), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1]).resolve()))
