"""/settings: a server's rules for the bot, for members with Manage Server.

Discord hides the command from everyone else by default, but server admins can change who sees it, so every
subcommand checks the permission again.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._browsing_common import acknowledge, require_server_manager
from bot.exts._moderation_log import settings_log
from bot.exts._settings_changes import (
    allow_file,
    allowed_choices,
    change_settings,
    checker_on,
    disallow_file,
    offered_choices,
)
from bot.locales import words_for
from bot.ui.replies import covered_words
from bot.ui.requesters import guild_id_of
from bot.ui.settings_embed import SAFETY_CHOICES, settings_embed
from core.jobs.policy import SafetyMode
from core.jobs.policy_edits import (
    BUILT_IN_DEFAULT,
    MAX_QUEUED_PER_USER,
    MAX_RUNNING_PER_USER,
    RATE_CAPACITY,
    RATE_PER_MINUTE_MAX,
    RATE_PER_MINUTE_MIN,
    limit_changes,
    with_blocked_words,
    with_id,
    without_blocked_words,
    without_id,
    workflow_changes,
)
from core.kinds import IMAGE, SONG, JobKind

# Where members ask: a text channel (its threads count as it) or a forum, whose posts are threads.
RequestChannel = discord.TextChannel | discord.ForumChannel


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SettingsCommand(
    commands.GroupCog, group_name="settings", group_description="How I work in this server"
):
    channels = app_commands.Group(name="channels", description="The channels where I take requests")
    roles = app_commands.Group(name="roles", description="The roles allowed to make requests")
    blocked_words = app_commands.Group(name="blocked-words", description="Words refused in requests")
    models = app_commands.Group(name="models", description="The models members may choose")
    loras = app_commands.Group(name="loras", description="The LoRAs members may choose")

    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="Show this server's settings")
    async def show(self, interaction: discord.Interaction) -> None:
        require_server_manager(interaction)
        await acknowledge(interaction)
        policy = await self.bot.runtime.guild_policies.get(guild_id_of(interaction))
        words = words_for(self.bot, interaction.locale)
        embed = settings_embed(words, policy, checker_on=checker_on(self.bot))
        await interaction.followup.send(embed=embed, ephemeral=True)

    @channels.command(name="add", description="Take requests in this channel (then only in the listed ones)")
    @app_commands.describe(channel="The channel to add (its threads, or a forum's posts, count as it)")
    async def add_channel(self, interaction: discord.Interaction, channel: RequestChannel) -> None:
        await change_settings(
            self.bot, interaction, lambda p: with_id("allowed_channel_ids", p.allowed_channel_ids, channel.id)
        )

    @channels.command(name="remove", description="Stop taking requests in this channel")
    @app_commands.describe(channel="The channel to remove")
    async def remove_channel(self, interaction: discord.Interaction, channel: RequestChannel) -> None:
        await change_settings(
            self.bot,
            interaction,
            lambda p: without_id("allowed_channel_ids", p.allowed_channel_ids, channel.id, what="channel"),
        )

    @roles.command(name="add", description="Allow this role (then only listed roles may make requests)")
    @app_commands.describe(role="The role to allow")
    async def add_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        await change_settings(
            self.bot, interaction, lambda p: with_id("allowed_role_ids", p.allowed_role_ids, role.id)
        )

    @roles.command(name="remove", description="Stop allowing this role")
    @app_commands.describe(role="The role to stop allowing")
    async def remove_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        await change_settings(
            self.bot,
            interaction,
            lambda p: without_id("allowed_role_ids", p.allowed_role_ids, role.id, what="role"),
        )

    @blocked_words.command(name="add", description="Refuse requests containing these words")
    @app_commands.describe(words="Words or phrases, separated by commas")
    async def add_words(
        self, interaction: discord.Interaction, words: app_commands.Range[str, 1, 1000]
    ) -> None:
        covered: dict[str, str] = {}
        say = words_for(interaction.client, interaction.locale)
        await change_settings(
            self.bot,
            interaction,
            lambda p: with_blocked_words(p, words, covered=covered),
            note=lambda: (
                say("settings.words_covered", words=covered_words(say, covered)) if covered else None
            ),
        )

    @blocked_words.command(name="remove", description="Stop refusing these words")
    @app_commands.describe(words="Words or phrases, separated by commas")
    async def remove_words(
        self, interaction: discord.Interaction, words: app_commands.Range[str, 1, 1000]
    ) -> None:
        await change_settings(self.bot, interaction, lambda p: without_blocked_words(p, words))

    @models.command(name="allow", description="Allow this model (then only the listed ones may be chosen)")
    @app_commands.describe(name="The model's file name")
    async def allow_model(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200]
    ) -> None:
        await allow_file(self.bot, interaction, "model", name)

    @models.command(name="remove", description="Stop allowing this model (none listed: any may be chosen)")
    @app_commands.describe(name="The model's file name")
    async def remove_model(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200]
    ) -> None:
        await disallow_file(self.bot, interaction, "model", name)

    @loras.command(name="allow", description="Allow this LoRA (then only the listed ones may be chosen)")
    @app_commands.describe(name="The LoRA's file name")
    async def allow_lora(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200]
    ) -> None:
        await allow_file(self.bot, interaction, "lora", name)

    @loras.command(name="remove", description="Stop allowing this LoRA (none listed: any may be chosen)")
    @app_commands.describe(name="The LoRA's file name")
    async def remove_lora(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200]
    ) -> None:
        await disallow_file(self.bot, interaction, "lora", name)

    @allow_model.autocomplete("name")
    async def _offered_models(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return offered_choices(self.bot, "model", current)

    @allow_lora.autocomplete("name")
    async def _offered_loras(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return offered_choices(self.bot, "lora", current)

    @remove_model.autocomplete("name")
    async def _allowed_models(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return await allowed_choices(self.bot, interaction, "model", current)

    @remove_lora.autocomplete("name")
    async def _allowed_loras(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return await allowed_choices(self.bot, interaction, "lora", current)

    @app_commands.command(name="limits", description="Per-member caps and the server's request rate")
    @app_commands.describe(
        max_running="Jobs one member may have running at once",
        max_waiting="Jobs one member may have waiting in the queue",
        burst="Requests the server may make in a burst",
        per_minute="Requests per minute after a burst",
    )
    async def limits(
        self,
        interaction: discord.Interaction,
        max_running: app_commands.Range[int, MAX_RUNNING_PER_USER[0], MAX_RUNNING_PER_USER[1]] | None = None,
        max_waiting: app_commands.Range[int, MAX_QUEUED_PER_USER[0], MAX_QUEUED_PER_USER[1]] | None = None,
        burst: app_commands.Range[int, RATE_CAPACITY[0], RATE_CAPACITY[1]] | None = None,
        per_minute: app_commands.Range[float, RATE_PER_MINUTE_MIN, RATE_PER_MINUTE_MAX] | None = None,
    ) -> None:
        await change_settings(
            self.bot,
            interaction,
            lambda _: limit_changes(
                max_running=max_running, max_waiting=max_waiting, burst=burst, per_minute=per_minute
            ),
        )

    @app_commands.command(name="nsfw-only", description="Take requests only in age-restricted channels")
    @app_commands.describe(enabled="On: only age-restricted channels; off: any allowed channel")
    async def nsfw_only(self, interaction: discord.Interaction, enabled: bool) -> None:
        # With no age-restricted channel yet, every request would be refused: the manager hears it now.
        none_yet = enabled and not any(
            getattr(c, "nsfw", False) for c in getattr(interaction.guild, "channels", ())
        )
        say = words_for(self.bot, interaction.locale)
        note = say("settings.no_nsfw_channel") if none_yet else None
        await change_settings(
            self.bot, interaction, lambda _: {"nsfw_channels_only": enabled}, note=lambda: note
        )

    @app_commands.command(name="log", description="Refused and withheld requests, newest first")
    @app_commands.describe(
        channel="Also post each new entry in this channel", clear="Stop posting entries in a channel"
    )
    async def moderation_log(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        clear: bool = False,
    ) -> None:
        await settings_log(self.bot, interaction, channel=channel, clear=clear)

    @app_commands.command(name="ping-when-done", description="Ping members when their job ends")
    @app_commands.describe(enabled="The server's default; each member may choose otherwise with /notify")
    async def ping_when_done(self, interaction: discord.Interaction, enabled: bool) -> None:
        await change_settings(self.bot, interaction, lambda _: {"ping_when_done": enabled})

    @app_commands.command(name="private-results", description="Whether members may get private results")
    @app_commands.describe(allowed="Off: every result is posted for the channel to see (e.g. for moderation)")
    async def private_results(self, interaction: discord.Interaction, allowed: bool) -> None:
        await change_settings(self.bot, interaction, lambda _: {"private_results_allowed": allowed})

    @app_commands.command(name="regenerate", description="Who may regenerate someone's result")
    @app_commands.describe(who="anyone (as their own job), or only the person who asked")
    async def regenerate(self, interaction: discord.Interaction, who: Literal["anyone", "requester"]) -> None:
        await change_settings(self.bot, interaction, lambda _: {"regenerate_permission": who})

    @app_commands.command(name="safety", description="What I do with results my image checker flags")
    @app_commands.describe(mode="Off, a spoiler or held back outside age-restricted channels, or held back")
    @app_commands.choices(mode=SAFETY_CHOICES)
    async def safety(self, interaction: discord.Interaction, mode: Choice[str]) -> None:
        await change_settings(self.bot, interaction, lambda _: {"safety_mode": SafetyMode(mode.value)})

    @app_commands.command(name="workflows", description="The workflows used when a request names none")
    @app_commands.describe(
        image="The image workflow (or the built-in default)",
        song="The song workflow (or the built-in default)",
    )
    async def workflows(
        self, interaction: discord.Interaction, image: str | None = None, song: str | None = None
    ) -> None:
        catalogue, scope = self.bot.runtime.catalogue, guild_id_of(interaction)
        await change_settings(
            self.bot,
            interaction,
            lambda _: workflow_changes(
                image=image,
                song=song,
                image_names=catalogue.names(IMAGE, scope=scope),
                song_names=catalogue.names(SONG, scope=scope),
            ),
        )

    @workflows.autocomplete("image")
    async def _image_workflows(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return self._workflow_choices(interaction, IMAGE, current)

    @workflows.autocomplete("song")
    async def _song_workflows(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return self._workflow_choices(interaction, SONG, current)

    def _workflow_choices(
        self, interaction: discord.Interaction, kind: JobKind, current: str
    ) -> list[app_commands.Choice[str]]:
        offered = self.bot.runtime.catalogue.names(kind, scope=guild_id_of(interaction))
        names = [n for n in offered if current.lower() in n.lower()]
        # An autocomplete's choices are the bot's own answer: in the asker's language, not the translator's.
        built_in = words_for(self.bot, interaction.locale)("settings_show.built_in_default")
        choices = [app_commands.Choice(name=built_in, value=BUILT_IN_DEFAULT)]
        return (choices + [app_commands.Choice(name=n, value=n) for n in names])[:25]


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(SettingsCommand(bot))
