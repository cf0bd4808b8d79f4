"""The emulated gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay by seq.

Frames are plain JSON text (no zlib), which discord.py accepts even when it asked for compression. Sharded
like Discord (see shards.py): one session per IDENTIFY `shard`, each guild's events on its own shard.
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
from .shards import INVALID_SHARD, MAX_GUILDS_PER_SHARD, SHARDING_REQUIRED, guild_of, parse_shard, shard_for
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
    shard_id: int = 0
    num_shards: int = 1
    seq: int = 0
    # Every dispatch of the session, so a RESUME can replay what the bot missed.
    sent: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def has_intent(self, bit: int | None) -> bool:
        return bit is None or bool(self.intents & bit)

    def receives(self, guild_id: int | None) -> bool:
        return shard_for(guild_id, self.num_shards) == self.shard_id


@dataclass
class GatewayStats:
    identifies: int = 0
    resumes: int = 0
    heartbeats: int = 0
    invalid_sessions: int = 0
    presence_updates: list[dict[str, Any]] = field(default_factory=list)
    # (event, shard_id) of every dispatch; events no live session's shard covers are counted as unrouted.
    routed: list[tuple[str, int]] = field(default_factory=list)
    unrouted: list[str] = field(default_factory=list)
    refused_shards: list[int] = field(default_factory=list)  # close codes 4010 / 4011 sent


class Gateway:
    def __init__(self, world: World, on_change: Callable[[], Awaitable[None]]) -> None:
        self._world = world
        self._on_change = on_change
        # One session per shard id (an unsharded bot identifies as shard [0, 1]).
        self.sessions: dict[int, GatewaySession] = {}
        self.stats = GatewayStats()
        self.url = ""  # set once the server has a port
        # GET /gateway/bot: Discord's recommendation (None: one shard per 1000 guilds) and start limit.
        self.recommended_shards: int | None = None
        self.max_concurrency = 1
        self.max_guilds_per_shard = MAX_GUILDS_PER_SHARD
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def session(self) -> GatewaySession | None:
        """Shard 0's session (an unsharded bot's only one)."""
        return self.sessions.get(0)

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The session of the shard a guild's events go to (a DM's: shard 0)."""
        return next((s for s in self.sessions.values() if s.receives(guild_id)), None)

    @property
    def connected(self) -> bool:
        return self.shard_connected(0)

    def shard_connected(self, shard_id: int) -> bool:
        session = self.sessions.get(shard_id)
        return session is not None and session.ws is not None and not session.ws.closed

    def shards_recommended(self) -> int:
        if self.recommended_shards is not None:
            return self.recommended_shards
        return max(1, -(-len(self._world.bot_guilds()) // 1000))

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
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
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
        shard = parse_shard(data.get("shard"))
        if shard is None:
            self.stats.refused_shards.append(INVALID_SHARD)
            await ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return
        shard_id, num_shards = shard
        guilds = [g for g in self._world.bot_guilds() if shard_for(g.id, num_shards) == shard_id]
        if len(guilds) > self.max_guilds_per_shard:
            self.stats.refused_shards.append(SHARDING_REQUIRED)
            await ws.close(code=SHARDING_REQUIRED, message=b"Sharding required.")
            return
        old = self.sessions.get(shard_id)
        if old is not None and old.ws is not None and old.ws is not ws:
            await old.ws.close(code=4000)
        self.stats.identifies += 1
        session = GatewaySession(
            id=secrets.token_hex(16),
            intents=int(data.get("intents", 0)),
            shard_id=shard_id,
            num_shards=num_shards,
        )
        self.sessions[shard_id] = session
        session.ws = ws
        await self._send(session, "READY", self._ready_payload(session, guilds))
        for guild in guilds:
            await self.send_guild_create(guild)
        await self._on_change()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        found = [s for s in self.sessions.values() if s.id == data.get("session_id")]
        if not found or data.get("token") != self._world.token:
            self.stats.invalid_sessions += 1
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            return
        session = found[0]
        last_seen = int(data.get("seq") or 0)
        async with session.send_lock:
            session.ws = ws
            for frame in session.sent:
                if frame["s"] > last_seen:
                    await ws.send_str(json.dumps(frame))
        self.stats.resumes += 1
        await self._send(session, "RESUMED", {})
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

    def _ready_payload(self, session: GatewaySession, guilds: list[Guild]) -> dict[str, Any]:
        bot = payloads.user(self._world.bot_user)
        bot.update({"verified": True, "mfa_enabled": False, "flags": 0})
        return {
            "v": 10,
            "user": bot,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [session.shard_id, session.num_shards],
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
        session = self.session_for(guild.id)
        all_members = session is not None and session.has_intent(GUILD_PRESENCES)
        data = payloads.guild_create(guild, all_members=all_members, bot_id=self._world.bot_user.id)
        await self.dispatch("GUILD_CREATE", data)

    async def dispatch(self, event: str, data: dict[str, Any], *, intent: int | None = None) -> bool:
        """Sends an event to the shard its guild belongs to (kept for replay while that shard is
        disconnected); False if filtered out by intents, or if no session's shard covers the guild."""
        if not self.sessions:
            raise RuntimeError(f"no bot has identified on the gateway; cannot dispatch {event}")
        guild_id = guild_of(event, data)
        sessions = [s for s in self.sessions.values() if s.receives(guild_id)]
        if not sessions:
            self.stats.unrouted.append(event)
            return False
        sent = False
        for session in sessions:
            if session.has_intent(intent):
                await self._send(session, event, data)
                self.stats.routed.append((event, session.shard_id))
                sent = True
        return sent

    async def _send(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
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

    async def disconnect(self, code: int = 4000, *, resumable: bool = True, shard_id: int = 0) -> None:
        """Drops a shard's websocket. With resumable=False the session is forgotten, so RESUME is refused."""
        session = self.sessions.get(shard_id)
        if session is None or session.ws is None:
            raise RuntimeError("the bot is not connected to the gateway")
        ws = session.ws
        session.ws = None
        if not resumable:
            del self.sessions[shard_id]
        await ws.close(code=code, message=b"emulator disconnect")

    async def request_reconnect(self) -> None:
        """Sends op 7 RECONNECT, which makes discord.py close and resume."""
        if self.session is None or self.session.ws is None:
            raise RuntimeError("the bot is not connected to the gateway")
        await self.session.ws.send_str(json.dumps({"op": RECONNECT, "d": None}))

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"emulator stopping")
