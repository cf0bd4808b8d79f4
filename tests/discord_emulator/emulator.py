"""DiscordEmulator: one object that owns the server, the world, the recorder and the fault plan.

What a test does with it is in three parts mixed in: building the world (arranging.py), seeing what
happened (observing.py) and acting as the members (acting.py)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from aiohttp import web

from .acting import Acting
from .actions import Actions
from .arranging import Arranging
from .faults import CallbackGate, FaultPlan, InjectedFault
from .gateway import Gateway
from .interaction_models import Interaction, TokenState
from .messaging import Messaging
from .models import User
from .observing import Observing
from .recorder import CallRecorder, StateWatch
from .rest.app import build_app
from .rest.context import RestContext
from .rest.middleware import RateLimits
from .world import World

log = logging.getLogger(__name__)

ExpiryError = Literal["invalid_token", "unknown_webhook"]


class DiscordEmulator(Arranging, Observing, Acting):
    """A fake Discord (gateway + REST + CDN) on 127.0.0.1 that the real discord.py client logs in to."""

    def __init__(self) -> None:
        self.world = World()
        self.recorder = CallRecorder()
        self.faults = FaultPlan()
        self.rate_limits = RateLimits()
        self._watch = StateWatch()
        self.gateway = Gateway(self.world, self._watch.notify)
        self.messaging = Messaging(self.world, self.gateway, self._watch.notify)
        self._actions = Actions(self.world, self.gateway, self.messaging)
        self._rest = RestContext(
            self.world, self.gateway, self.messaging, self.recorder, self.faults, self._watch.notify
        )
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle -----------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._runner = web.AppRunner(build_app(self._rest, self.rate_limits), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        # aiohttp does not expose the bound port of a port-0 site publicly; its server socket does.
        self.port = self._runner.addresses[0][1]
        self.gateway.url = self.gateway_url
        self.world.cdn_base = self.base_url
        log.debug("discord emulator listening on %s", self.base_url)

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str:
        """What to put in discord.http.Route.BASE."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What to put in DiscordWebSocket.DEFAULT_GATEWAY (also READY's resume_gateway_url)."""
        return f"ws://127.0.0.1:{self.port}/"

    # identity ------------------------------------------------------------------------------------------
    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def owner(self) -> User:
        return self.world.owner

    def snowflake(self) -> int:
        return self.world.snowflakes.next()

    # time and tokens -----------------------------------------------------------------------------------
    def expire_interaction_token(
        self, interaction: Interaction, error: ExpiryError = "invalid_token"
    ) -> None:
        """Webhook calls on its token now get 401/50027 ("invalid_token") or 404/10015 ("unknown_webhook")."""
        interaction.token_state = TokenState(error)

    def advance_clock(self, seconds: float) -> None:
        """Moves the emulator clock: tokens older than 15 min expire, callbacks after 3 s are refused."""
        self.world.clock_offset += dt.timedelta(seconds=seconds)

    # faults --------------------------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        count: int = 1,
        retry_after: float = 0.05,
        code: int | None = None,
        html: bool = False,
        is_global: bool = False,
        with_files: bool | None = None,
    ) -> InjectedFault:
        """The next `count` matching REST calls fail; `fault.hits` counts how many did.

        path_regex is searched in the path without /api/v10, e.g. r"^/channels/\\d+/messages$".
        429s carry Via, X-RateLimit-* and a JSON retry_after; 5xx answer JSON, or an HTML page with html=True.
        `with_files`: only calls that upload files (True: a result's delivery), or only those that do not.
        """
        return self.faults.add(
            method,
            path_regex,
            status,
            count=count,
            retry_after=retry_after,
            code=code,
            html=html,
            is_global=is_global,
            with_files=with_files,
        )

    def hold_callbacks(self, count: int) -> CallbackGate:
        """The next `count` interaction callbacks (the bot's first answers) are held until all of them have
        arrived: the interactions were decided side by side before any was answered."""
        gate = CallbackGate(count)
        self.faults.callback_gate = gate
        return gate

    async def gateway_disconnect(self, code: int = 4000, resumable: bool = True) -> None:
        """Drops the bot's websocket; discord.py reconnects and RESUMEs (or re-IDENTIFYs if not resumable)."""
        await self.gateway.disconnect(code, resumable=resumable)
