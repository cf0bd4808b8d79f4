"""The emulated gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay by seq.

Frames are plain JSON text (no zlib), which discord.py accepts even when it asked for compression.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads
from .models import Guild
from .world import World

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT, REQUEST_MEMBERS = 0, 1, 2, 3, 6, 7, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41_250
AUTHENTICATION_FAILED = 4004
GUILD_PRESENCES = 1 << 8


@dataclass
class GatewaySession:
    id: str
    intents: int
    seq: int = 0
    # Every dispatch of the session, so a RESUME can replay what the bot missed.
    sent: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def has_intent(self, bit: int | None) -> bool:
        return bit is None or bool(self.intents & bit)


@dataclass
class GatewayStats:
    identifies: int = 0
    resumes: int = 0
    heartbeats: int = 0
    invalid_sessions: int = 0
    presence_updates: list[dict[str, Any]] = field(default_factory=list)


class Gateway:
    def __init__(self, world: World, on_change: Callable[[], Awaitable[None]]) -> None:
        self._world = world
        self._on_change = on_change
        self.session: GatewaySession | None = None
        self.stats = GatewayStats()
        self.url = ""  # set once the server has a port
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.ws is not None and not self.session.ws.closed

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await ws.send_str(json.dumps({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(ws, json.loads(msg.data))
        finally:
            self._sockets.discard(ws)
            if self.session is not None and self.session.ws is ws:
                self.session.ws = None
            await self._on_change()
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data: Any = frame.get("d")
        if op == HEARTBEAT:
            self.stats.heartbeats += 1
            await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            await self._identify(ws, data)
        elif op == RESUME:
            await self._resume(ws, data)
        elif op == REQUEST_MEMBERS:
            await self._send_member_chunks(data)
        elif op == PRESENCE:
            self.stats.presence_updates.append(data)
        else:
            log.debug("gateway ignored op %s", op)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self._world.token:
            await ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        old = self.session
        if old is not None and old.ws is not None and old.ws is not ws:
            await old.ws.close(code=4000)
        self.stats.identifies += 1
        self.session = session = GatewaySession(id=secrets.token_hex(16), intents=int(data.get("intents", 0)))
        session.ws = ws
        await self.dispatch("READY", self._ready_payload(session))
        for guild in self._world.bot_guilds():
            await self.send_guild_create(guild)
        await self._on_change()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self.session
        if session is None or data.get("session_id") != session.id or data.get("token") != self._world.token:
            self.stats.invalid_sessions += 1
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            return
        last_seen = int(data.get("seq") or 0)
        async with session.send_lock:
            session.ws = ws
            for frame in session.sent:
                if frame["s"] > last_seen:
                    await ws.send_str(json.dumps(frame))
        self.stats.resumes += 1
        await self.dispatch("RESUMED", {})
        await self._on_change()

    async def _send_member_chunks(self, data: dict[str, Any]) -> None:
        guild = self._world.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [m for m in guild.members.values() if not wanted or m.id in wanted]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [payloads.member(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        bot = payloads.user(self._world.bot_user)
        bot.update({"verified": True, "mfa_enabled": False, "flags": 0})
        return {
            "v": 10,
            "user": bot,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self._world.bot_guilds()],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "application": {"id": str(self._world.application_id), "flags": self._world.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["local"],
            "user_settings": {},
            "auth": {},
            "_trace": ['["discord-emulator",{"micros":0}]'],
        }

    async def send_guild_create(self, guild: Guild) -> None:
        session = self.session
        all_members = session is not None and session.has_intent(GUILD_PRESENCES)
        data = payloads.guild_create(guild, all_members=all_members, bot_id=self._world.bot_user.id)
        await self.dispatch("GUILD_CREATE", data)

    async def dispatch(self, event: str, data: dict[str, Any], *, intent: int | None = None) -> bool:
        """Sends an event to the bot (or keeps it for replay while disconnected); False if filtered out."""
        session = self.session
        if session is None:
            raise RuntimeError(f"no bot has identified on the gateway; cannot dispatch {event}")
        if not session.has_intent(intent):
            return False
        async with session.send_lock:
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.sent.append(frame)
            ws = session.ws
            if ws is not None and not ws.closed:
                try:
                    await ws.send_str(json.dumps(frame))
                except ConnectionError:
                    log.debug("gateway dropped %s: socket closing; it will be replayed on resume", event)
        return True

    async def disconnect(self, code: int = 4000, *, resumable: bool = True) -> None:
        """Drops the bot's websocket. With resumable=False the session is forgotten, so RESUME is refused."""
        session = self.session
        if session is None or session.ws is None:
            raise RuntimeError("the bot is not connected to the gateway")
        ws = session.ws
        session.ws = None
        if not resumable:
            self.session = None
        await ws.close(code=code, message=b"emulator disconnect")

    async def request_reconnect(self) -> None:
        """Sends op 7 RECONNECT, which makes discord.py close and resume."""
        if self.session is None or self.session.ws is None:
            raise RuntimeError("the bot is not connected to the gateway")
        await self.session.ws.send_str(json.dumps({"op": RECONNECT, "d": None}))

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"emulator stopping")
