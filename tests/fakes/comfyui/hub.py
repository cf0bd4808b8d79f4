"""Websocket sessions and message routing, as ComfyUI's PromptServer does it.

One publisher task drains an ordered queue (like `send_sync` + `publish_loop`), so messages leave in the
order the executor produced them. `sid=None` means broadcast; a sid without an open socket drops the message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .config import FakeConfig

log = logging.getLogger(__name__)


def server_features(config: FakeConfig) -> dict[str, Any]:
    """GET /features and the websocket's feature_flags answer."""
    return {"supports_preview_metadata": True, "max_upload_size": config.max_upload_size}


@dataclass
class _Outgoing:
    sid: str | None
    text: dict[str, Any] | None = None
    binary: bytes | None = None
    done: asyncio.Event | None = field(default=None)


class Hub:
    def __init__(self, config: FakeConfig) -> None:
        self.config = config
        self.sockets: dict[str, web.WebSocketResponse] = {}
        self.feature_flags: dict[str, dict[str, Any]] = {}
        self.all_sockets: set[web.WebSocketResponse] = set()
        # Set by the executor while a prompt runs (mirrors server.client_id / server.last_node_id).
        self.client_id: str | None = None
        self.last_node_id: str | None = None
        self.queue_remaining = lambda: 0
        self._outbox: asyncio.Queue[_Outgoing] = asyncio.Queue()
        self._publisher: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._publisher = asyncio.create_task(self._publish(), name="fake-comfyui-publisher")

    async def stop_publisher(self) -> None:
        if self._publisher is not None:
            self._publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._publisher
            self._publisher = None

    def supports_metadata(self, sid: str | None) -> bool:
        if sid is None:
            return False
        return bool(self.feature_flags.get(sid, {}).get("supports_preview_metadata", False))

    # --- producing -------------------------------------------------------------------------------------
    def send(self, event: str, data: dict[str, Any], sid: str | None) -> None:
        self._outbox.put_nowait(_Outgoing(sid, text={"type": event, "data": data}))

    def send_binary(self, frame: bytes, sid: str | None) -> None:
        self._outbox.put_nowait(_Outgoing(sid, binary=frame))

    def broadcast_status(self) -> None:
        self.send("status", {"status": {"exec_info": {"queue_remaining": self.queue_remaining()}}}, None)

    async def drain(self) -> None:
        """Wait until everything queued so far has been written to the sockets."""
        marker = _Outgoing(None, done=asyncio.Event())
        assert marker.done is not None
        self._outbox.put_nowait(marker)
        await marker.done.wait()

    async def _publish(self) -> None:
        while True:
            item = await self._outbox.get()
            if item.done is not None:
                item.done.set()
                continue
            if self.config.silent_ws:
                continue
            targets = list(self.sockets.items()) if item.sid is None else []
            if item.sid is not None and item.sid in self.sockets:
                targets = [(item.sid, self.sockets[item.sid])]
            for sid, ws in targets:
                await self._write(sid, ws, item)

    async def _write(self, sid: str, ws: web.WebSocketResponse, item: _Outgoing) -> None:
        try:
            if item.text is not None:
                await ws.send_str(json.dumps(item.text))
            elif item.binary is not None:
                await ws.send_bytes(item.binary)
        except (ConnectionError, RuntimeError) as exc:
            log.debug("dropping message to %s: %s", sid, exc)
        except Exception:
            # Keep publishing: one bad message must not silence the fake for the rest of the test.
            log.exception("fake ComfyUI could not send a message to %s", sid)

    # --- sessions --------------------------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=2.0)  # bounds how long stop() waits for a client's close reply
        await ws.prepare(request)
        sid = request.query.get("clientId", "")
        if sid:
            self.sockets.pop(sid, None)  # the old socket stays open but is never written to again
        else:
            sid = uuid.uuid4().hex
        self.sockets[sid] = ws
        self.feature_flags[sid] = {}
        self.all_sockets.add(ws)
        try:
            await self._send_now(ws, "status", {"status": self._queue_info(), "sid": sid})
            if self.client_id == sid and self.last_node_id is not None:
                await self._send_now(ws, "executing", {"node": self.last_node_id})
            first_message = True
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except json.JSONDecodeError:
                    log.warning("invalid json from websocket client %s", sid)
                    continue
                if first_message and isinstance(data, dict) and data.get("type") == "feature_flags":
                    self.feature_flags[sid] = dict(data.get("data") or {})
                    await self._send_now(ws, "feature_flags", server_features(self.config))
                first_message = False
        finally:
            self.all_sockets.discard(ws)
            # Like the real server this pops by sid, so closing a replaced socket also forgets its successor.
            self.sockets.pop(sid, None)
            self.feature_flags.pop(sid, None)
        return ws

    async def _send_now(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        if self.config.silent_ws:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.send_str(json.dumps({"type": event, "data": data}))

    def _queue_info(self) -> dict[str, Any]:
        return {"exec_info": {"queue_remaining": self.queue_remaining()}}

    async def close_all(self, abort: bool) -> None:
        """abort=True drops every TCP connection without a close frame (the client sees 1006)."""
        sockets = list(self.all_sockets)
        if abort:
            for ws in sockets:
                transport = ws._req.transport if ws._req is not None else None  # aiohttp has no public handle
                if transport is not None:
                    transport.abort()
        else:
            await asyncio.gather(*(self._close(ws) for ws in sockets))
        self.all_sockets.clear()
        self.sockets.clear()
        self.feature_flags.clear()

    @staticmethod
    async def _close(ws: web.WebSocketResponse) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.close(code=1001, message=b"Server shutdown")
