"""DiscordEmulator: one object that owns the server, the world, the recorder and the fault plan."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Literal

from aiohttp import web

from . import payloads
from .actions import BUTTON, STRING_SELECT, Actions, Upload
from .faults import FaultPlan, InjectedFault
from .gateway import Gateway
from .messaging import Messaging
from .models import Channel, Guild, Interaction, Member, Message, Overwrite, Role, TokenState, User
from .recorder import CallRecorder, RecordedCall, StateWatch
from .rest.app import build_app
from .rest.context import RestContext
from .rest.middleware import RateLimits
from .shards import id_on_shard
from .world import World

log = logging.getLogger(__name__)

GUILDS = 1 << 0

ExpiryError = Literal["invalid_token", "unknown_webhook"]


class DiscordEmulator:
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

    # world state ---------------------------------------------------------------------------------------
    def add_guild(
        self,
        guild_id: int | None = None,
        name: str = "Test Guild",
        owner_id: int | None = None,
        with_bot: bool = True,
    ) -> Guild:
        """Call before the bot connects (GUILD_CREATE is sent after READY), or call guild_create() after.

        with_bot=False: a server the app is not installed in (no bot member, no gateway events); only a
        member's own install (install_for_user) reaches the bot from there."""
        return self.world.add_guild(guild_id, name, owner_id, with_bot=with_bot)

    def add_guild_on_shard(self, shard_id: int, num_shards: int, name: str = "Test Guild") -> Guild:
        """A guild whose events go to shard `shard_id` of `num_shards` ((guild_id >> 22) % num_shards)."""
        return self.add_guild(id_on_shard(self.world.snowflakes.next(), shard_id, num_shards), name)

    def install_for_user(self, who: Member | User) -> User:
        """The person adds the app to their account (a user install): its commands follow them."""
        user = who.user if isinstance(who, Member) else who
        self.world.user_installs.add(user.id)
        return user

    def add_user(self, name: str = "user", accepts_dms: bool = True) -> User:
        """Someone in no guild of the bot's."""
        user = self.world.add_user(None, name)
        user.accepts_dms = accepts_dms
        return user

    def add_group_dm(self, owner: Member | User, *others: Member | User) -> Channel:
        """A group DM of people (never the bot): the PRIVATE_CHANNEL interaction context."""
        people = [w.user if isinstance(w, Member) else w for w in (owner, *others)]
        return self.world.add_group_dm(people[0], people[1:])

    def add_channel(
        self, guild: Guild, name: str = "general", nsfw: bool = False, topic: str | None = None
    ) -> Channel:
        return self.world.add_channel(guild, name, nsfw=nsfw, topic=topic)

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        return self.world.add_role(guild, name, permissions=permissions)

    def add_member(
        self,
        guild: Guild,
        user_id: int | None = None,
        name: str = "member",
        permissions: int = 0,
        roles: list[Role] | None = None,
        accepts_dms: bool = True,
    ) -> Member:
        return self.world.add_member(
            guild, user_id, name, permissions=permissions, roles=roles, accepts_dms=accepts_dms
        )

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    async def set_channel_permissions(
        self, channel: Channel, target: Member | Role, allow: int = 0, deny: int = 0
    ) -> None:
        """Sets a permission overwrite (e.g. deny the bot ATTACH_FILES); sends CHANNEL_UPDATE if connected.

        Permission bits are discord.Permissions values, e.g. discord.Permissions(attach_files=True).value.
        """
        kind = 1 if isinstance(target, Member) else 0
        channel.overwrites = [o for o in channel.overwrites if (o.type, o.id) != (kind, target.id)]
        channel.overwrites.append(Overwrite(target.id, kind, allow, deny))
        if self.gateway.sessions and self.world.bot_can_see(channel):
            await self.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(channel), intent=GUILDS)

    def dm_channel(self, who: Member | User) -> Channel:
        """The DM channel between the bot and this user (what POST /users/@me/channels returns)."""
        return self.world.dm_channel_with(who.user if isinstance(who, Member) else who)

    async def guild_create(self, guild: Guild) -> None:
        """Sends GUILD_CREATE for a guild added while the bot is connected (the bot "joins" it)."""
        await self.gateway.send_guild_create(guild)

    @property
    def upload_limit(self) -> int:
        """Bytes per request before a 413 (code 40005); also sent as interactions' attachment_size_limit."""
        return self.world.upload_limit

    @upload_limit.setter
    def upload_limit(self, value: int) -> None:
        self.world.upload_limit = value

    # what happened ---------------------------------------------------------------------------------------
    @property
    def calls(self) -> list[RecordedCall]:
        return self.recorder.calls

    def calls_matching(self, method: str, path_regex: str) -> list[RecordedCall]:
        return self.recorder.matching(method, path_regex)

    @property
    def unknown_routes(self) -> list[RecordedCall]:
        return self.recorder.unknown_routes

    @property
    def messages(self) -> dict[int, list[Message]]:
        """Every message by channel id, oldest first, deleted and ephemeral ones included."""
        return self.world.messages

    def message(self, message_id: int) -> Message:
        found = self.world.message(message_id)
        if found is None:
            raise KeyError(f"no message {message_id}")
        return found

    def original_response(self, interaction: Interaction) -> Message:
        """The message the interaction's callback created (or, for components, the message it updated)."""
        if interaction.response_message_id is None:
            raise KeyError(
                f"interaction {interaction.id} has no response message (type {interaction.response_type})"
            )
        return self.message(interaction.response_message_id)

    def followups(self, interaction: Interaction) -> list[Message]:
        return [self.message(i) for i in interaction.followup_message_ids]

    @property
    def interactions(self) -> dict[int, Interaction]:
        return self.world.interactions

    @property
    def typing(self) -> list[int]:
        """Channel ids the bot showed "typing…" in, once per POST /channels/{id}/typing."""
        return self._rest.typing

    @property
    def cdn_downloads(self) -> list[int]:
        """Attachment ids the bot downloaded from the emulator's CDN, in order."""
        return self._rest.cdn_downloads

    @property
    def cdn_bytes_sent(self) -> dict[int, int]:
        """Attachment id -> bytes the CDN wrote on its last download (less than the size: the reader quit)."""
        return self._rest.cdn_bytes_sent

    # The brief's API takes a timeout; asyncio.timeout() around it would work the same.
    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """Waits until predicate() is truthy, re-checking on every state change; returns its value."""
        return await self._watch.wait_for(predicate, timeout)

    async def wait_for_calls(
        self,
        method: str,
        path_regex: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[RecordedCall]:
        """Waits until at least `count` matching REST calls were made; returns all of them."""

        def enough() -> list[RecordedCall] | None:
            found = self.calls_matching(method, path_regex)
            return found if len(found) >= count else None

        result: list[RecordedCall] = await self.wait_for(enough, timeout)
        return result

    async def wait_until_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.wait_for(lambda: self.gateway.connected, timeout)

    # user actions --------------------------------------------------------------------------------------
    async def send_slash_command(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        options: dict[str, Any] | None = None,
        attachments: dict[str, Upload] | None = None,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        guild_command: bool | None = None,
    ) -> Interaction:
        """Runs /name. Option types come from the synced command when there is one, else from the values.

        attachments maps option name to (filename, bytes, content_type); the bot can download them from
        the resolved attachment's url. guild_command=None adds data.guild_id only when the command was
        synced to that guild.
        """
        path = [p for p in (subcommand_group, subcommand) if p]
        return await self._actions.slash_command(
            guild, channel, member, name, options, attachments, path, guild_command
        )

    async def send_autocomplete(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        options: dict[str, Any],
        focused: str,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        guild_command: bool | None = None,
    ) -> Interaction:
        """Asks for choices for option `focused`; the answer lands in interaction.autocomplete_choices."""
        path = [p for p in (subcommand_group, subcommand) if p]
        return await self._actions.autocomplete(
            guild, channel, member, name, options, focused, path, guild_command
        )

    async def click_button(
        self, message: Message | int, custom_id: str, member: Member | User
    ) -> Interaction:
        return await self._actions.component(self._message(message), member, custom_id, BUTTON, None)

    async def select_option(
        self, message: Message | int, custom_id: str, values: list[str], member: Member | User
    ) -> Interaction:
        return await self._actions.component(self._message(message), member, custom_id, STRING_SELECT, values)

    async def submit_modal(
        self,
        custom_id: str,
        fields: dict[str, str | list[str]],
        member: Member | User,
        channel: Channel,
        files: dict[str, list[Upload]] | None = None,
    ) -> Interaction:
        """Submits the modal; answers follow the layout of the last modal shown with that custom_id.

        `files`: (filename, bytes, content_type) put in each File Upload, by its custom_id."""
        return await self._actions.modal_submit(custom_id, fields, member, channel, files)

    async def send_message(
        self,
        channel: Channel,
        member: Member | User,
        content: str,
        *,
        reply_to: Message | None = None,
        ping_replied: bool = True,
        attachments: list[Upload] | None = None,
    ) -> Message:
        """A user posts in a channel, or replies to `reply_to` (a REPLY, type 19, pinging its author unless
        `ping_replied` is off or it is an interaction response), with files if given ((filename, bytes,
        content_type) each, served by the CDN). A bot without the message-content intent gets empty
        content, embeds, attachments and components unless the message mentions it or is in a DM (see
        mentions.hide_content); over REST the application's flag decides (rest/channels.py)."""
        return await self._actions.user_message(
            channel, member, content, reply_to=reply_to, ping_replied=ping_replied, uploads=attachments
        )

    def mention(self, who: Member | User) -> str:
        """How a member types a mention of `who` (the bot: `emu.mention(emu.bot_user)`)."""
        return f"<@{who.id}>"

    async def add_reaction(
        self, message_id: Message | int, channel: Channel, member: Member | User, emoji: str
    ) -> None:
        message = self._message(message_id)
        assert message.channel_id == channel.id, "the message is not in that channel"
        # An ephemeral message is "only visible to the user who invoked the Interaction" (EPHEMERAL flag,
        # https://discord.com/developers/docs/resources/message#message-object-message-flags) and not part of
        # the channel: the client offers it no reactions (and the reaction routes answer 10008 for it).
        assert not message.ephemeral, "nobody can react to an ephemeral message"
        user = member.user if isinstance(member, Member) else member
        await self.messaging.add_reaction(message, user, payloads.emoji_from_path(emoji))

    async def remove_reaction(
        self, message_id: Message | int, channel: Channel, member: Member | User, emoji: str
    ) -> None:
        message = self._message(message_id)
        assert message.channel_id == channel.id, "the message is not in that channel"
        user = member.user if isinstance(member, Member) else member
        await self.messaging.remove_reaction(message, user, payloads.emoji_from_path(emoji))

    def _message(self, message: Message | int) -> Message:
        return message if isinstance(message, Message) else self.message(message)

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

    async def gateway_disconnect(self, code: int = 4000, resumable: bool = True) -> None:
        """Drops the bot's websocket; discord.py reconnects and RESUMEs (or re-IDENTIFYs if not resumable)."""
        await self.gateway.disconnect(code, resumable=resumable)
