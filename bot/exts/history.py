"""/history, /show and /rerun: look back at this server's jobs, post results again, run one again."""

from __future__ import annotations

import logging
from dataclasses import replace

import discord
from discord import app_commands
from discord.ext import commands

from background.log_context import log_context
from bot.client import ComfyBot
from bot.exts._admission import decide_then_defer, refuse_if_known_in_time
from bot.exts._browsing_common import acknowledge
from bot.exts._installs import offered_everywhere
from bot.exts._showing import Showable, check_posting_here, showable
from bot.exts._submit import submit_on_interaction
from bot.exts.errors import report_error
from bot.locales import Words, job_locale, words_for
from bot.logging_setup import operator_secrets
from bot.ui.failure_detail import failure_detail_message
from bot.ui.history_files import plan_repost, unavailable_text
from bot.ui.history_render import HistoryFilters, job_summary, shorten
from bot.ui.history_view import TIMEOUT_S as HISTORY_TIMEOUT_S
from bot.ui.history_view import HistoryView
from bot.ui.rendering import SPOILER_PREFIX
from bot.ui.requesters import guild_id_of, viewer_from_interaction
from bot.ui.uploads import typed_file
from core.errors import UserFacingError
from core.jobs.result_names import result_file_names
from core.jobs.service import JobRequest
from core.jobs.snapshots import JobStatus, JobView, SafetyAction
from core.jobs.visibility import shown_privately
from core.kinds import JobKind, spec_of
from core.texts import Text

log = logging.getLogger(__name__)
JobId = app_commands.Range[int, 1, 2**53]
# Named as the statuses are (their names are translated as every choice is: bot.locales.keys).
STATUS_CHOICES = [app_commands.Choice(name=status.value, value=status.value) for status in JobStatus]


class History(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot
        self.view_timeout_s = HISTORY_TIMEOUT_S  # how long /history's buttons work

    @app_commands.command(name="history", description="Browse this server's jobs, newest first")
    @app_commands.describe(
        kind="Only jobs of this kind (images, songs...)",
        user="Only this member's jobs",
        search="Only jobs whose prompt or lyrics contain this",
        status="Only jobs that ended so, or are still so (failed, cancelled...)",
        public="Show the list to the channel (only you can turn its pages)",
    )
    @app_commands.choices(status=STATUS_CHOICES)
    @offered_everywhere
    async def history(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Range[str, 1, 32] | None = None,
        user: discord.User | None = None,
        search: app_commands.Range[str, 1, 100] | None = None,
        status: app_commands.Choice[str] | None = None,
        public: bool = False,
    ) -> None:
        runtime = self.bot.runtime
        if kind is not None and kind not in runtime.kinds:
            listed = ", ".join(runtime.kinds.kinds)
            raise UserFacingError(
                Text(
                    "history.no_such_kind",
                    f"There is no kind of job called “{kind}”. Try one of: {listed}.",
                    {"kind": kind, "listed": listed},
                )
            )
        scope, viewer = guild_id_of(interaction), viewer_from_interaction(interaction, posts=public)
        if public:  # a listing shown to the channel goes by the server's rules for this channel
            await refuse_if_known_in_time(
                interaction, lambda: check_posting_here(self.bot, scope, viewer, asked="/history public:True")
            )
        await acknowledge(interaction, ephemeral=not public)
        if public:
            await check_posting_here(self.bot, scope, viewer, asked="/history public:True")
        view = HistoryView(
            browser=runtime.browser,
            service=runtime.service,
            files=runtime.artifact_files,
            guild_id=scope,
            viewer=viewer,
            filters=HistoryFilters(
                user_id=user.id if user else None,
                kind=JobKind(kind) if kind else None,
                search=search,
                status=JobStatus(status.value) if status else None,
            ),
            report_error=report_error,
            forms=self.bot.open_forms,
            timeout=self.view_timeout_s,
            public=public,
            words=words_for(self.bot, interaction.locale),
        )
        files = await view.first_page(interaction)
        await interaction.edit_original_response(view=view, attachments=files)

    @app_commands.command(name="show", description="Post a job's results here again")
    @app_commands.describe(job="The job's number (see /history)")
    @offered_everywhere
    async def show(self, interaction: discord.Interaction, job: JobId) -> None:
        scope, viewer = guild_id_of(interaction), viewer_from_interaction(interaction)
        decided: list[Showable] = []

        async def decide() -> None:
            decided.append(await showable(self.bot, interaction, job, scope=scope, viewer=viewer))

        # A refusal known in time is the first answer, privately: nothing of it reaches the channel.
        await refuse_if_known_in_time(interaction, decide)
        # What a manager alone may see (a deleted result, another member's private one), or what was made
        # where some of the channel's readers cannot read, is shown to the asker alone, never posted to
        # the channel; if that is not known in time, the answer is private whenever it might be.
        shown = decided[0] if decided else None
        # A failed job's detail is a manager's alone: never in the channel (unknown in time: private anyway).
        told_failure = shown is not None and shown.failure_detail is not None
        private = told_failure or shown_privately(shown.job if shown else None, viewer)
        await acknowledge(interaction, ephemeral=private)
        if shown is None:  # not known in time: decided now, a refusal replacing the "thinking…"
            shown = await showable(self.bot, interaction, job, scope=scope, viewer=viewer)
        if shown.failure_detail is not None:
            await self._tell_failure(interaction, shown.job, shown.failure_detail)
            return
        found, artifacts, safety = shown.job, shown.artifacts, shown.safety
        on_disk = self.bot.runtime.artifact_files
        stored, missing = await on_disk.split_stored(artifacts)
        plan = plan_repost(stored, size_limit=interaction.filesize_limit)
        words = _public_words(self.bot, interaction)
        summary = shorten(job_summary(words, found), 200)
        mark = spec_of(found.params).texts.mark
        header = words("show.header", mark=mark, job_id=found.id, user_id=found.user_id, summary=summary)
        names = result_file_names(found, artifacts)
        unavailable = unavailable_text(words, plan.too_large, missing, names=names)
        content = f"{header}\n{unavailable}" if unavailable else header
        if not plan.batches:
            await interaction.followup.send(content, ephemeral=private)
        for number, batch in enumerate(plan.batches):
            # A spoilered result is posted again behind its spoiler (held-back ones are refused above).
            prefix = SPOILER_PREFIX if safety is SafetyAction.SPOILERED else ""
            contents = await on_disk.read(batch)
            files = [
                typed_file(prefix + names[a.id], data) for a, (_, data) in zip(batch, contents, strict=True)
            ]
            # Each batch after the first is a followup of its own: as private as the first.
            await interaction.followup.send(content if number == 0 else "", files=files, ephemeral=private)
        with log_context(job_id=found.id, guild_id=found.guild_id):
            log.info("shown again")

    async def _tell_failure(self, interaction: discord.Interaction, found: JobView, detail: str) -> None:
        """To the manager alone, in their words: the "thinking…" was private (see `show`)."""
        words = words_for(self.bot, interaction.locale)
        text = failure_detail_message(words, found.id, detail, secrets=operator_secrets(self.bot.settings))
        await interaction.followup.send(text, ephemeral=True)
        with log_context(job_id=found.id, guild_id=found.guild_id, user_id=interaction.user.id):
            log.info("failure detail shown to a manager")  # who read it, for the operator

    @app_commands.command(name="rerun", description="Run a job again with a new seed")
    @app_commands.describe(job="The job's number (see /history)")
    @offered_everywhere
    async def rerun(self, interaction: discord.Interaction, job: JobId) -> None:
        scope, requester = guild_id_of(interaction), viewer_from_interaction(interaction, posts=False)

        async def decide() -> JobRequest:
            # Who may, the job's scope and the member's caps, before anything is answered: a refusal is
            # private from its first byte, as for the Reroll button.
            request = await self.bot.runtime.results.regeneration(
                job, guild_id=scope, requester=requester, pressed=False
            )
            await self.bot.runtime.service.precheck(request)
            return request

        # A member with private results gets this one privately too (core.jobs.privacy).
        request, answer = await decide_then_defer(self.bot, interaction, decide)
        # From here the new job's message is like any other: edited in place by the reporter.
        await submit_on_interaction(
            self.bot, interaction, answer.message_id, replace(request, private=answer.private)
        )

    @history.autocomplete("kind")
    async def _kinds(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lower()
        kinds = self.bot.runtime.kinds.kinds
        return [app_commands.Choice(name=k, value=k) for k in kinds if wanted in k][:25]

    @show.autocomplete("job")
    @rerun.autocomplete("job")
    async def _recent_jobs(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        viewer = viewer_from_interaction(interaction, posts=False)
        page = await self.bot.runtime.browser.history(
            guild_id_of(interaction),
            limit=25,
            include_deleted=viewer.is_manager,
            viewer_id=viewer.user_id,
            include_private=viewer.is_manager,
            include_withheld=viewer.is_manager,
            hidden_channel_ids=viewer.hidden_channel_ids,
            private_threads_read=viewer.private_threads_read,
            threads_managed_in=viewer.threads_managed_in,
            known_channel_ids=None if viewer.is_manager else viewer.known_channel_ids,
        )
        words = words_for(self.bot, interaction.locale)
        choices = [
            app_commands.Choice(name=shorten(f"#{j.id} {j.kind}: {job_summary(words, j)}", 100), value=j.id)
            for j in page.jobs
        ]
        wanted = current.strip().lstrip("#").lower()
        return [c for c in choices if wanted in c.name.lower()][:25]


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(History(bot))


def _public_words(client: discord.Client, interaction: discord.Interaction) -> Words:
    """The words of a post the whole channel reads, by the rule of job messages (bot.locales.job_locale): the
    server's language where it chose one we ship, else the asker's."""
    server = interaction.guild_locale.value if interaction.guild_locale is not None else None
    catalogue = words_for(client, None).catalogue
    return Words(catalogue, job_locale(catalogue, server, str(interaction.locale.value)))
