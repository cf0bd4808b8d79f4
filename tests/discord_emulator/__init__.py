"""An emulator of Discord's gateway and REST API that the real, unmodified discord.py 2.7 logs in to.

Start it, build the world, connect a bot, act as users, and assert on what the bot did::

    async with DiscordEmulator() as emu:
        guild = emu.add_guild(name="Art Club")
        channel = emu.add_channel(guild, "gallery")
        alice = emu.add_member(guild, name="alice", permissions=0)
        bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        async with running_client(emu, bot):          # patches discord.py, logs in, waits for on_ready
            interaction = await emu.send_slash_command(
                guild, channel, alice, "imagine", {"prompt": "a cat"},
                attachments={"image": ("in.png", png_bytes, "image/png")},
            )
            await emu.wait_for(lambda: interaction.responded)
            reply = emu.message(interaction.response_message_id)
            assert reply.revisions[-1].attachments[0].filename == "out.png"

Pointing discord.py at it: ``patch_discord(emu)`` (a context manager) sets ``discord.http.Route.BASE`` to
``emu.http_url`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` to ``emu.gateway_url`` and restores them.
``running_client(emu, client)`` does that and also starts/stops the client. The bot token is ``emu.token``.

World: ``emu.bot_user``, ``emu.application_id``, ``emu.owner`` (application owner) exist from the start;
``add_guild``/``add_channel``/``add_role``/``add_member`` before connecting (GUILD_CREATE follows READY, with
channels, roles and members including the bot), or ``await emu.guild_create(guild)`` afterwards.
``emu.snowflake()`` makes ids.

User actions (each dispatches the real gateway payload and returns the record to inspect):
``send_slash_command``, ``send_autocomplete``, ``click_button``, ``select_option``, ``submit_modal``
(interactions, see ``models.Interaction``: ``acked``, ``deferred``, ``responded``, ``response_type``,
``response_message_id``, ``followup_message_ids``, ``autocomplete_choices``, ``modal``), ``add_reaction``,
``remove_reaction`` and ``send_message``.

Interaction rules emulated: callbacks after 3 s (emulator clock) → 404/10062, a second callback →
400/40060; tokens live 15 minutes (``advance_clock(seconds)``) or end now with
``expire_interaction_token(interaction, "invalid_token" | "unknown_webhook")`` → 401/50027 or 404/10015;
the first followup after a "thinking" defer becomes the original response.

Recording: ``emu.calls`` (``RecordedCall(method, path, query, json, files, status, at)``, path without
/api/v10), ``calls_matching(method, path_regex)``, ``unknown_routes`` (answered 404 code 0),
``messages[channel_id]`` (every ``Message`` with ``revisions``: content/embeds/components/attachments/flags of
the creation and each edit), ``message(id)``, ``cdn_downloads``; ``await emu.wait_for(predicate, timeout)``
re-checks on every state change.

The bot's own messages, edits, deletions and reactions are echoed over the gateway (except ephemeral ones),
filtered by the intents it identified with.

Faults: ``fail_next(method, path_regex, status, count=1, retry_after=0.05, code=None, html=False)`` returns a
fault whose ``hits`` count; ``emu.upload_limit`` (bytes, 413/40005 above it); ``await
gateway_disconnect(code=4000, resumable=True)`` (discord.py RESUMEs and missed events are replayed; see
``emu.gateway.stats``); ``emu.rate_limits`` shapes the X-RateLimit-* headers.
"""

from .emulator import DiscordEmulator
from .models import Attachment, Channel, Guild, Interaction, Member, Message, MessageRevision, Role, User
from .patching import patch_discord
from .recorder import RecordedCall, RecordedFile
from .running import running_client

__all__ = [
    "Attachment",
    "Channel",
    "DiscordEmulator",
    "Guild",
    "Interaction",
    "Member",
    "Message",
    "MessageRevision",
    "RecordedCall",
    "RecordedFile",
    "Role",
    "User",
    "patch_discord",
    "running_client",
]
