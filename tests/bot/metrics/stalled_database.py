"""A database that stops answering without closing its connections, as one behind a network that drops every
packet does: a TCP relay in front of the real server that, once stalled, holds every byte in both directions.

    async with stalling_relay(postgres_url) as relay:   # relay.url: the same database, through the relay
        ...; relay.stall(); ...; relay.resume()
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import make_url

CHUNK_BYTES = 64 * 1024


@dataclass
class StallingRelay:
    target_host: str
    target_port: int
    url: str = ""
    _flowing: asyncio.Event = field(default_factory=asyncio.Event)
    _streams: list[asyncio.StreamWriter] = field(default_factory=list)
    _pipes: set[asyncio.Task[None]] = field(default_factory=set)

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(CHUNK_BYTES):
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
        sink.close()

    async def _connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(self.target_host, self.target_port)
        self._streams += [writer, upstream_writer]
        for pipe in (self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)):
            task = asyncio.create_task(pipe)
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def close(self) -> None:
        for stream in self._streams:
            stream.close()
        for task in list(self._pipes):
            task.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)


@contextlib.asynccontextmanager
async def stalling_relay(database_url: str) -> AsyncIterator[StallingRelay]:
    target = make_url(database_url)
    relay = StallingRelay(target.host or "127.0.0.1", target.port or 5432)
    relay.resume()
    server = await asyncio.start_server(relay._connected, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    relay.url = target.set(port=port).render_as_string(hide_password=False)
    try:
        yield relay
    finally:
        relay.resume()
        server.close()
        await relay.close()
        await server.wait_closed()
