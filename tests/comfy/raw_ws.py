"""A websocket server written byte by byte on a real socket: the test decides what each write holds, so
frames can come in the very packet of the handshake's answer, or a frame be cut between two writes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode: int, payload: bytes | str) -> bytes:
    """One unmasked frame, as a server sends it."""
    data = payload.encode() if isinstance(payload, str) else payload
    if len(data) < 126:
        head = struct.pack("!BB", 0x80 | opcode, len(data))
    elif len(data) < 2**16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, len(data))
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, len(data))
    return head + data


def close_frame(code: int = 1000) -> bytes:
    return frame(CLOSE, struct.pack("!H", code))


@dataclass
class Peer:
    """The server's end of one connection."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def read_frame(self) -> tuple[int, bytes]:
        """The client's next frame (clients mask theirs), as (opcode, payload)."""
        first, second = await self.reader.readexactly(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
        mask = await self.reader.readexactly(4) if second & 0x80 else b"\0\0\0\0"
        payload = await self.reader.readexactly(length)
        return first & 0x0F, bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))


@asynccontextmanager
async def raw_server(first: bytes = b"") -> AsyncIterator[tuple[str, asyncio.Queue[Peer]]]:
    """Serves ``/ws``; each connection's handshake answer goes out in one write with ``first`` behind it.
    Yields the URL and a queue of the connections' server ends."""
    peers: asyncio.Queue[Peer] = asyncio.Queue()
    opened: list[Peer] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        key = next(
            line.split(b":", 1)[1].strip()
            for line in request.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key:")
        )
        accept_key = base64.b64encode(hashlib.sha1(key + _GUID.encode()).digest())  # noqa: S324 - RFC 6455
        answer = (
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept_key + b"\r\n\r\n"
        )
        writer.write(answer + first)
        await writer.drain()
        peer = Peer(reader, writer)
        opened.append(peer)
        await peers.put(peer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/ws", peers
    finally:
        server.close()
        for peer in opened:
            peer.writer.close()
        await server.wait_closed()
