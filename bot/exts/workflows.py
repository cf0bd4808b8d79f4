"""/workflows: a server's own ComfyUI workflows, added, listed, tried and removed from Discord.

Members with Manage Server add and remove their server's workflows; the bot's owners (BOT_OWNER_IDS) also
add ones every server may use. Discord hides the command from others by default, but an admin can change
that, so every subcommand checks again. Every answer is private.
"""

from __future__ import annotations

import logging
from typing import Literal, get_args

import discord
from discord import app_commands
from discord.ext import commands

from background.log_context import log_context
from bot.client import ComfyBot
from bot.exts._browsing_common import acknowledge
from bot.exts._workflow_files import read_sidecar, read_workflow
from bot.locales import Words, words_for
from bot.ui.replies import DISCORD_MESSAGE_LIMIT, reply_privately
from bot.ui.requesters import guild_id_of, requester_from_interaction
from bot.ui.workflow_list import listing_pages
from bot.ui.workflow_list_view import WorkflowListView
from bot.ui.workflow_report import unusable_reason, verdict_lines
from core.errors import NotAllowed
from core.jobs.service import JobRequest
from core.workflows.listing import listing
from core.workflows.refusals import NoBackendCanRun, WorkflowRefused, WorkflowUnusable
from core.workflows.shelf import AddedWorkflow, WorkflowUpload
from core.workflows.trial import trial_input, trial_params

log = logging.getLogger(__name__)

Scope = Literal["this server", "everywhere"]  # choice values, shown through the catalogue ("choices.…")
THIS_SERVER: Scope = get_args(Scope)[0]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class WorkflowsCommand(
    commands.GroupCog, group_name="workflows", group_description="This server's own ComfyUI workflows"
):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot
        super().__init__()

    def _is_owner(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id in self.bot.settings.bot_owner_id_set

    def _require_manager(self, interaction: discord.Interaction) -> None:
        if not (interaction.permissions.manage_guild or self._is_owner(interaction)):
            raise NotAllowed(words_for(self.bot, interaction.locale)("workflows.needs_manager"))

    @app_commands.command(name="add", description="Add a ComfyUI workflow (exported in API format)")
    @app_commands.describe(
        file="The workflow's JSON file, from ComfyUI's “Export (API)”",
        name="Its name in the workflow option (default: the file's name)",
        kind="What it makes (default: what the graph looks like)",
        sidecar="A binding file naming its nodes, if the graph cannot be read by itself",
        scope="This server only, or every server (the bot's owners only)",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        name: str | None = None,
        kind: str | None = None,
        sidecar: discord.Attachment | None = None,
        scope: Scope = THIS_SERVER,
    ) -> None:
        self._require_manager(interaction)
        words = words_for(self.bot, interaction.locale)
        everywhere = scope == "everywhere"
        if everywhere and not self._is_owner(interaction):
            raise NotAllowed(words("workflows.owner_only_add"))
        await acknowledge(interaction)
        upload = WorkflowUpload(
            document=await read_workflow(self.bot, file, words),
            file_name=file.filename,
            added_by=interaction.user.id,
            guild_id=None if everywhere else guild_id_of(interaction),
            name=name,
            kind=kind,
            sidecar=await read_sidecar(self.bot, sidecar, words) if sidecar is not None else None,
        )
        try:
            added = await self.bot.runtime.workflows.add(upload)
        except WorkflowRefused as refused:
            await interaction.followup.send(_fit(_refusal(words, refused)), ephemeral=True)
            return
        with log_context(guild_id=interaction.guild_id, user_id=interaction.user.id):
            log.info("workflow %s added (%s)", added.template.name, scope)
        await interaction.followup.send(_fit(_added(words, added, everywhere)), ephemeral=True)

    @add.autocomplete("kind")
    async def _kinds(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        kinds = self.bot.runtime.kinds.kinds
        return [app_commands.Choice(name=k, value=k) for k in kinds if current.lower() in k][:25]

    @app_commands.command(name="list", description="The workflows this server can use, and where they run")
    async def list_(self, interaction: discord.Interaction) -> None:
        self._require_manager(interaction)  # it names the backends (their addresses) and who added what
        await acknowledge(interaction)
        runtime = self.bot.runtime
        listed = await listing(
            runtime.workflows,
            runtime.kinds,
            runtime.dispatcher.capabilities.backends_for,
            guild_id_of(interaction),
        )
        say = words_for(self.bot, interaction.locale)
        pages = listing_pages(say, listed)
        if len(pages) == 1:
            await interaction.followup.send(embed=pages[0], ephemeral=True)
            return
        view = WorkflowListView(pages, say=say, forms=self.bot.open_forms)
        await interaction.followup.send(embed=await view.first_page(interaction), view=view, ephemeral=True)

    @app_commands.command(name="test", description="Run a workflow once at draft quality; only you see it")
    @app_commands.describe(name="The workflow to try")
    async def test(self, interaction: discord.Interaction, name: str) -> None:
        self._require_manager(interaction)
        words = words_for(self.bot, interaction.locale)
        runtime = self.bot.runtime
        try:
            params = trial_params(runtime.kinds, runtime.catalogue, name, guild_id_of(interaction))
        except WorkflowRefused as refused:
            await reply_privately(interaction, _refusal(words, refused))
            return
        message_id = await acknowledge(interaction) or (await interaction.original_response()).id
        request = JobRequest(
            guild_id=guild_id_of(interaction),
            requester=requester_from_interaction(interaction),
            raw_input=trial_input(name),
            params=params,
            workflow=name,
            private=True,  # its message is ephemeral: never moved to the channel, hidden in others' /history
        )
        receipt = await runtime.service.submit(request)
        await self.bot.reporter.show_on_interaction(receipt, interaction, message_id)

    @test.autocomplete("name")
    async def _offered(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = self.bot.runtime.catalogue.names(scope=guild_id_of(interaction))
        return [app_commands.Choice(name=n, value=n) for n in names if current.lower() in n.lower()][:25]

    @app_commands.command(name="remove", description="Remove a workflow added from Discord")
    @app_commands.describe(
        name="The workflow to remove (jobs already queued on it still run)",
        scope="Where it is offered: this server (the default) or every server (the bot's owners only)",
    )
    async def remove(self, interaction: discord.Interaction, name: str, scope: Scope = THIS_SERVER) -> None:
        self._require_manager(interaction)
        words = words_for(self.bot, interaction.locale)
        await acknowledge(interaction)
        try:
            await self.bot.runtime.workflows.remove(
                name,
                guild_id=guild_id_of(interaction),
                by_user_id=interaction.user.id,
                owner=self._is_owner(interaction),
                everywhere=scope == "everywhere",
            )
        except WorkflowRefused as refused:
            await interaction.followup.send(_fit(_refusal(words, refused)), ephemeral=True)
            return
        said = [words("workflows.removed", name=name), *await self._defaults_gone(words, name, interaction)]
        await interaction.followup.send("\n".join(said), ephemeral=True)

    async def _defaults_gone(self, words: Words, name: str, interaction: discord.Interaction) -> list[str]:
        """Where the workflow removed was this server's default and its name now means none here, requests
        naming no workflow use the built-in one (core.jobs.service): said, not left to be found out."""
        runtime, guild_id = self.bot.runtime, guild_id_of(interaction)
        policy = await runtime.guild_policies.get(guild_id)
        return [
            words("workflows.default_gone", kind=words(f"kinds.{kind}.noun"))
            for kind in runtime.kinds.kinds
            if policy.default_workflow(kind) == name
            and runtime.catalogue.resolve(name, scope=guild_id, kind=kind) is None
        ]

    @remove.autocomplete("name")
    async def _removable(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = self.bot.runtime.workflows.removable(
            guild_id_of(interaction), owner=self._is_owner(interaction)
        )
        return [app_commands.Choice(name=n, value=n) for n in names if current.lower() in n.lower()][:25]


def _fit(text: str) -> str:
    """Discord refuses a message over 2000 characters (a long JSON error, many backends' reports)."""
    return text if len(text) <= DISCORD_MESSAGE_LIMIT else text[: DISCORD_MESSAGE_LIMIT - 1] + "…"


def _refusal(words: Words, refused: WorkflowRefused) -> str:
    if isinstance(refused, WorkflowUnusable) and refused.reasons:
        reason = unusable_reason(words, refused.workflow, refused.reasons)
        return words("workflows.refused.unusable", reason=reason)
    text = words(f"workflows.refused.{refused.key}", **refused.values)
    if isinstance(refused, NoBackendCanRun):
        text += "\n" + verdict_lines(words, str(refused.values["name"]), refused.verdicts)
    return text


def _added(words: Words, added: AddedWorkflow, everywhere: bool) -> str:
    template = added.template
    where = words("workflows.everywhere" if everywhere else "workflows.this_server")
    lines = [
        words(
            "workflows.added",
            name=template.name,
            kind=template.kind,
            version=template.version[:12],
            where=where,
        )
    ]
    if added.shadowed_by_file:
        lines.append(words("workflows.file_wins", name=template.name))
    if added.kept_by_guilds:
        lines.append(words("workflows.kept_by_servers", name=template.name, count=added.kept_by_guilds))
    lines.append(verdict_lines(words, template.name, added.verdicts))
    return "\n".join(lines)


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(WorkflowsCommand(bot))
