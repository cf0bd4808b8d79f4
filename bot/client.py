"""The Discord client: a thin shell that loads the extensions and hands them the services it was given."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord.ext import commands

from bot.exts._browsing_extensions import BROWSING_EXTENSIONS
from bot.locales import Catalogue
from bot.locales.translator import CatalogueTranslator
from bot.logging_setup import operator_secrets
from bot.own_messages import skip_own_messages
from bot.reporting.config import ReportingConfig
from bot.reporting.failure_posts import FailurePosts
from bot.reporting.log_channel import LogChannel
from bot.reporting.moderation_posts import ModerationPosts
from bot.reporting.reporter import JobReporter
from bot.runtime import CoreRuntime
from bot.settings import Role, Settings
from bot.ui.open_forms import OpenForms

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "bot.exts.errors",
    "bot.exts.imagine",
    "bot.exts.song",
    "bot.exts.song_forms",
    "bot.exts.edit",
    "bot.exts.upscale",
    "bot.exts.picture_forms",
    "bot.exts.video",
    "bot.exts.results",
    "bot.exts.result_actions",
    "bot.exts.result_replies",
    "bot.exts.notify",
    "bot.exts.preferences",
    *BROWSING_EXTENSIONS,
)


def bot_intents() -> discord.Intents:
    """Only what the bot uses: guilds, message events and reactions (🔁 ❌ ✉️); no privileged intents."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.guild_reactions = True
    return intents


class ComfyBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        runtime: CoreRuntime,
        extensions: Sequence[str] = EXTENSIONS,
        reporting: ReportingConfig | None = None,
        catalogue: Catalogue | None = None,
        role: Role = "all",
        **options: object,
    ) -> None:
        # This bot never joins voice: discord.py's warnings about missing voice libraries are only noise.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        options.setdefault("intents", bot_intents())
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(command_prefix=commands.when_mentioned, help_command=None, **options)  # type: ignore[arg-type]
        skip_own_messages(self)  # the gateway's echo of each message and edit the bot makes
        self.settings = settings
        self.runtime = runtime
        self.reporting_config = reporting or ReportingConfig()
        # gateway: events and commands, no queue; worker: the queue, no gateway (bot.roles).
        self.role: Role = role
        self.reporter = JobReporter(self, runtime, self.reporting_config, follows_jobs=role != "gateway")
        runtime.dispatcher.worker_sync.taken_elsewhere = self.reporter.forget
        self._extensions = tuple(extensions)
        # The bot's words in each shipped language (bot/locales): command names and the texts it says.
        self.catalogue = catalogue or Catalogue.shipped()
        # Failures and moderation log entries told in the server's log channel, from whichever process
        # ran the job or answered the request (a worker included, over REST).
        self.log_channel = LogChannel(self, runtime, self.catalogue, self.reporter.languages)
        self.failure_posts = FailurePosts(self.log_channel, runtime, secrets=operator_secrets(settings))
        self.moderation_posts = ModerationPosts(self.log_channel, runtime)
        # The /edit, /upscale and /song forms open in this process (bot.exts.picture_forms, song_forms), and
        # the paged listings' controls still live (bot.exts.listing_presses).
        self.open_forms = OpenForms()

    async def load_commands(self) -> None:
        """The extensions, with the commands' translations (sent with them whenever the tree is synced)."""
        await self.tree.set_translator(CatalogueTranslator(self.catalogue))
        for extension in self._extensions:
            await self.load_extension(extension)

    async def setup_hook(self) -> None:
        # Before the core starts: it redelivers results that never reached Discord as soon as it runs.
        self.runtime.observer.target = self.reporter
        self.failure_posts.start()
        self.moderation_posts.start()
        if self.role != "worker":  # a worker answers no command: it only edits messages over REST
            await self.load_commands()
            await self._sync_dev_guild()
        await self.runtime.start(runs_queue=self.role != "gateway")

    async def _sync_dev_guild(self) -> None:
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the development guild %s", len(synced), guild.id)

    async def on_ready(self) -> None:
        # Also after a reconnect that could not resume: one line each time the gateway is up again.
        log.info("connected to Discord's gateway as %s, in %d servers", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        # Slash commands only: no message is a command. discord.py's own would read a reply mentioning the
        # bot (bot.exts.result_replies: a prompt) as a command named by its first word, and log
        # CommandNotFound at ERROR for every one.
        return

    async def close(self) -> None:
        # The core first, while Discord still answers: a result being delivered finishes or stays
        # undelivered in the database (redelivered at start); then the reporter's pacing, then Discord.
        try:
            await self.runtime.close()
            await self.failure_posts.close()
            await self.moderation_posts.close()
            await self.reporter.close()
        finally:
            await super().close()
