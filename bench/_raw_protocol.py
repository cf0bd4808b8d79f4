"""bench.protocol_floor's `--raw` client: the same work on asyncio's transports with no HTTP library.

Only what the fake farm's answers need, to measure what aiohttp's machinery costs per job: HTTP/1.1 on
kept-alive connections with Content-Length bodies, a websocket whose server frames are read straight off the
transport (unmasked, unfragmented, as ComfyUI sends them). Not a client for production: no TLS, no chunked
bodies, no redirects, no close handshake, no pings answered.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

_HEAD_END = b"\r\n\r\n"


class _Http(asyncio.Protocol):
    """One kept-alive connection: one request at a time, its answer's body handed to a future."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._length = -1
        self._answer: asyncio.Future[tuple[int, bytes]] | None = None
        self._status = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def request(self, raw: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None
        self._answer = asyncio.get_running_loop().create_future()
        self._buffer.clear()
        self._length = -1
        self.transport.write(raw)
        return self._answer

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._length < 0:
            end = self._buffer.find(_HEAD_END)
            if end < 0:
                return
            head = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
            self._status = int(head[0].split(" ", 2)[1])
            fields = dict(line.split(":", 1) for line in head[1:])
            lengths = [v for k, v in fields.items() if k.lower() == "content-length"]
            self._length = int(lengths[0]) if lengths else 0
            del self._buffer[: end + len(_HEAD_END)]
        if len(self._buffer) >= self._length and self._answer is not None:
            body = bytes(self._buffer[: self._length])
            self._answer.set_result((self._status, body))
            self._answer = None


class RawHttp:
    """Requests to one server over a few kept-alive connections, each taken by one request at a time."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._idle: list[_Http] = []

    async def request(
        self, method: str, path: str, body: bytes = b"", query: dict[str, Any] | None = None
    ) -> bytes:
        if query:
            path += "?" + urlencode(query)
        connection = self._idle.pop() if self._idle else await self._connect()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        if body:
            head += "Content-Type: application/json\r\n"
        status, answer = await connection.request(head.encode() + b"\r\n" + body)
        self._idle.append(connection)
        if status >= 400:
            raise RuntimeError(f"{method} {path}: {status}")
        return answer

    async def _connect(self) -> _Http:
        _, protocol = await asyncio.get_running_loop().create_connection(_Http, self.host, self.port)
        return protocol

    def close(self) -> None:
        for connection in self._idle:
            if connection.transport is not None:
                connection.transport.close()


class RawSocket(asyncio.Protocol):
    """A websocket read off the transport: each whole frame handed on as it is parsed."""

    def __init__(self, on_text: Callable[[str], None], on_binary: Callable[[bytes], None]) -> None:
        self._on_text, self._on_binary = on_text, on_binary
        self._buffer = bytearray()
        self._upgraded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    @classmethod
    async def open(
        cls, url: str, path: str, on_text: Callable[[str], None], on_binary: Callable[[bytes], None]
    ) -> RawSocket:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        loop = asyncio.get_running_loop()
        transport, socket = await loop.create_connection(lambda: cls(on_text, on_binary), host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        await socket._upgraded
        return socket

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._upgraded.done():
            end = self._buffer.find(_HEAD_END)
            if end < 0:
                return
            del self._buffer[: end + len(_HEAD_END)]
            self._upgraded.set_result(None)
        self._frames()

    def _frames(self) -> None:
        buffer = self._buffer
        start = 0
        while len(buffer) - start >= 2:
            opcode, length = buffer[start] & 0x0F, buffer[start + 1] & 0x7F
            at = start + 2
            if length == 126:
                if len(buffer) - at < 2:
                    break
                length, at = int.from_bytes(buffer[at : at + 2], "big"), at + 2
            elif length == 127:
                if len(buffer) - at < 8:
                    break
                length, at = int.from_bytes(buffer[at : at + 8], "big"), at + 8
            if len(buffer) - at < length:
                break
            payload = bytes(buffer[at : at + length])
            start = at + length
            if opcode == 1:
                self._on_text(payload.decode())
            elif opcode == 2:
                self._on_binary(payload)
        del buffer[:start]

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def json_body(document: Any) -> bytes:
    return json.dumps(document).encode()
