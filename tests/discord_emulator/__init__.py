"""An emulator of Discord's gateway and REST API that the real, unmodified discord.py 2.7 logs in to.

Start it, build the world, connect a bot, act as users, and assert on what the bot did::

    async with DiscordEmulator() as emu:                  # or the `discord_emulator` fixture (pytest_plugin)
        guild = emu.add_guild(name="Art Club")
        channel = emu.add_channel(guild, "gallery")
        alice = emu.add_member(guild, name="alice")
        bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
        async with running_client(emu, bot):             # patches discord.py, logs in, waits for on_ready
            interaction = await emu.send_slash_command(
                guild, channel, alice, "imagine", {"prompt": "a cat"},
                attachments={"image": ("in.png", png_bytes, "image/png")},
            )
            await emu.wait_for(lambda: interaction.acked)
            reply = emu.original_response(interaction)
            await emu.wait_for(lambda: len(reply.revisions) == 3)
            assert reply.attachments[0].filename == "out.png"

Connecting: ``patch_discord(emu)`` (context manager) sets ``discord.http.Route.BASE = emu.http_url`` and
``DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)`` and restores them; ``running_client(emu,
client)`` also starts the client with ``emu.token`` and closes it after. Build clients with a small
``guild_ready_timeout`` (discord.py waits that long after the last GUILD_CREATE before on_ready, 2 s by
default), and override ``before_identify_hook`` to skip discord.py's 5 s sleep before a re-IDENTIFY.

World: ``bot_user``, ``application_id`` and ``owner`` (the application's owner) exist from the start.
``add_guild``, ``add_channel``, ``add_role``, ``add_member(permissions=, roles=, accepts_dms=)`` before
connecting (GUILD_CREATE follows READY with channels, roles and the bot's member; every member only with
the presences intent, otherwise discord.py chunks them), or ``await guild_create(guild)`` afterwards.
``await set_channel_permissions(channel, member_or_role, allow=, deny=)``, ``bot_member(guild)``,
``dm_channel(user)``, ``snowflake()``. Option types of slash commands come from the commands the bot
synced (PUT .../commands), otherwise from the Python values; ``guild_command=True`` adds data.guild_id for
unsynced guild commands.

User actions dispatch the real gateway payload and return a record: ``send_slash_command``,
``send_autocomplete``, ``click_button``, ``select_option``, ``submit_modal`` return ``Interaction``
(``acked``, ``deferred``, ``responded``, ``response_type``, ``response_message_id``, ``followup_message_ids``,
``autocomplete_choices``, ``modal``, ``ephemeral``); ``send_message(channel, member, content,
attachments=[(filename, bytes, content_type)], reply_to=...)`` returns ``Message``;
``add_reaction``/``remove_reaction``. A file given to a slash command (``attachments={option: ...}``) must be
for an ATTACHMENT option of the synced command (the client offers no file picker elsewhere); it arrives as
a resolved attachment (id, filename, size, url, content_type) that the CDN serves.

Interaction rules: a callback after 3 s (emulator clock) gets 404/10062, a second one 400/40060; tokens
last 15 minutes (``advance_clock(seconds)``) or end now with ``expire_interaction_token(interaction,
"invalid_token" | "unknown_webhook")`` → 401/50027 or 404/10015 on webhook calls; the first followup after
a "thinking" defer edits the original response, as on Discord.

Recording: ``calls`` (``RecordedCall(method, path, query, json, files, status, at)``; path has no /api/v10;
json is payload_json for multipart), ``calls_matching(method, path_regex)``, ``unknown_routes`` (answered
404 code 0), ``messages[channel_id]`` (every ``Message``, deleted and ephemeral ones too; ``revisions`` hold
content/embeds/components/attachments/flags of the creation and each edit), ``message(id)``,
``original_response(interaction)``, ``followups(interaction)``, ``cdn_downloads``, ``cdn_bytes_sent``
(attachment id -> bytes the CDN wrote on its last download: less than the size when the reader hung up).
``await
wait_for(predicate, timeout)`` re-checks the predicate on every emulator state change (not bot state).

Echo: the bot's own messages, edits, deletions and reactions come back over the gateway (not ephemeral
ones), filtered by the intents the bot identified with; user message content is blank without the
message-content intent.

Reading messages: GET a message or the history needs the bot's View Channel (else 403/50001) and Read
Message History (else 403/50013) in that channel; over REST, other people's content, embeds, attachments
and components are blank unless ``world.application_flags`` has GATEWAY_MESSAGE_CONTENT(_LIMITED), the
message mentions the bot, or it is the bot's own or a DM. ``Guild.permissions_in(channel, member)`` applies
the overwrites set with ``set_channel_permissions`` as Discord does (@everyone, roles, member). A member
without View Channel is offered no command there or in its threads (``CommandNotOffered``), and reacting
needs View Channel and Read Message History (an assertion, as reacting to an ephemeral message is).
``add_thread(parent, starter)``: a public thread (type 11, ``parent_id``) listed in GUILD_CREATE's
``threads``, with its parent's permissions; a command used in it comes from the thread.
``archive_thread(thread)``: THREAD_UPDATE (archived), after which discord.py forgets the thread and
GUILD_CREATE leaves it out; a message posted there unarchives it (THREAD_UPDATE again). ``add_forum``: a
forum (type 15), whose posts are threads; it takes no message (400/50008) and no command.

Without a connection: ``client_cache.cached_guild(world, guild)`` is what discord.py caches of a guild, parsed
from its GUILD_CREATE (and THREAD_MEMBERS_UPDATE for the private threads named in ``heard_of``), and
``client_cache.slash_interaction`` an interaction there, for tests and benchmarks of what the bot reads from
its cache.

Components V2 (message flag IS_COMPONENTS_V2, 1 << 15; rules and their sources in rest/components_v2.py):
with the flag, ``content``/``embeds``/``sticker_ids``/``poll`` are refused; an edit may set the flag (emptying
the old content in the same request) and never clear it; a deferred callback takes no V2 flag; 40 components
and 4,000 Text Display characters per message, galleries of 1-10 items, File components only from
``attachment://`` uploads, nesting as documented; legacy messages take at most 5 action rows. All refusals
are 400/50035 with the field's path in ``errors``. Stored V2 components carry the resolved attachment URLs
and generated ids (unfurl.py). ``layout.py`` reads what a message shows: ``text_of``, ``texts``,
``buttons``, ``gallery_items``, ``files``, ``thumbnails``, ``is_v2``.

User installs: ``add_guild(with_bot=False)`` (a server the app is not installed in: no gateway guild; the
bot token gets 403/50001 there), ``install_for_user(member_or_user)``, ``add_user(name)`` (in no guild of
the bot's: a DM to them is 403/50278), ``add_group_dm(owner, *others)``. Interactions carry ``context``,
``authorizing_integration_owners`` and ``app_permissions`` as Discord computes them (installs.py); a command
Discord would not offer in that place raises ``CommandNotOffered``; synced ``integration_types``/``contexts``
are validated (400/50035); a user-install-only interaction gets at most 5 followups (400/40094) and its
answers are ephemeral where the user lacks Use External Apps or Send Messages.

Faults: ``fail_next(method, path_regex, status, count=1, retry_after=0.05, code=None, html=False)`` returns a
fault whose ``hits`` count; ``hold_callbacks(count)`` (the next ``count`` interaction callbacks wait until
all have arrived: interactions decided side by side before any is answered); ``upload_limit`` (bytes per
request, 413/40005 above it); ``await
gateway_disconnect(code=4000, resumable=True)`` (discord.py RESUMEs and missed events are replayed by seq;
``resumable=False`` forces a new IDENTIFY), ``await gateway.request_reconnect()`` (op 7), ``gateway.stats``;
``rate_limits`` shapes the X-RateLimit-* headers of normal answers; with ``rate_limits.enforce = True`` it
answers Discord's 429s too (rest/limits.py: 50 requests/s per bot token, interaction tokens exempt, and route
buckets), counting them in ``rate_limits.global_limit.refusals`` and ``rate_limits.route_refusals``.
Over-long messages get 400/50035, missing channel permissions 403/50013 (or 50001 without VIEW_CHANNEL), DMs
to users with ``accepts_dms=False`` 403/50007.

Shards (shards.py, Discord's "Sharding"): ``GET /gateway/bot`` answers ``gateway.recommended_shards`` (one per
1000 guilds by default) and ``gateway.max_concurrency``; IDENTIFY with ``shard: [id, count]`` gets only that
shard's guilds, and each event goes to the session of shard ``(guild_id >> 22) % count`` (DMs to shard 0;
``gateway.stats.routed`` records ``(event, shard_id)``); a bad ``shard`` is closed with 4010, more than
``gateway.max_guilds_per_shard`` guilds with 4011. ``add_guild_on_shard(shard_id, count)`` makes a guild that
lands on a given shard; ``gateway.sessions`` is keyed by shard id.
"""

from .emulator import DiscordEmulator
from .interaction_models import Interaction
from .models import Attachment, Channel, Guild, Member, Message, MessageRevision, Role, User
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
