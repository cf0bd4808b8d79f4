"""The /history browser: older/newer buttons over keyset pages, and a select that opens one job.

Each page is a components V2 message (bot/ui/rendering.py says why every edit of a "thinking…" reply is
V2): the listing, a gallery of the page's pictures (thumbnails made from the kept files, each captioned
with its job), the select and the buttons, and the page line.

Only the member who ran /history can use it (the message may be public). Private results (core.jobs.privacy)
are listed for their requester, and for managers, in a listing only they see; a public listing has none,
nor any deleted or held-back result, whoever asked for it. It lives 10 minutes, well inside the 15-minute
life of the interaction token it edits with. Its page buttons name the page they turn to
(bot.ui.history_turns): bot.exts.listing_presses answers every press of one, live, turned since, timed
out or after a restart, by a new view shown in place (`resume`); a job picked after 10 minutes or a
restart still opens. Page buttons that cannot name theirs (a search too long) would only say the list
expired: then the view takes its buttons away when it ends.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import discord

from background.log_context import log_context
from bot.locales import Words, english, words_for
from bot.ui.history_render import (
    HistoryFilters,
    history_text,
    job_embed,
    job_option_description,
    job_summary,
    shorten,
)
from bot.ui.history_render import job_option_label as option_label
from bot.ui.history_turns import turn_id
from bot.ui.open_forms import OpenForms
from bot.ui.page_cursors import KeysetCursors
from bot.ui.page_names import PagePlace
from bot.ui.page_turner import PageTurner
from bot.ui.rendering import SPOILER_PREFIX
from bot.ui.replies import reply_privately
from bot.ui.thumbnails import page_thumbnails, thumbnail_name
from core.jobs.artifact_files import ArtifactFiles
from core.jobs.browsing import JobBrowser
from core.jobs.policy import Requester
from core.jobs.scopes import is_personal
from core.jobs.service import JobService
from core.jobs.snapshots import ArtifactView, HistoryPage, JobView, SafetyAction
from core.safety.policy import action_shown_in, any_flagged

log = logging.getLogger(__name__)

PAGE_SIZE = 10
TIMEOUT_S = 600.0


class ErrorReport(Protocol):
    """The bot's one error path (bot.exts.errors.report_error), handed in by the command."""

    def __call__(
        self, interaction: discord.Interaction, error: BaseException, *, where: str
    ) -> Awaitable[None]: ...


class HistoryView(discord.ui.LayoutView):
    def __init__(
        self,
        *,
        browser: JobBrowser,
        service: JobService,
        files: ArtifactFiles,
        guild_id: int,
        viewer: Requester,
        filters: HistoryFilters,
        report_error: ErrorReport,
        forms: OpenForms,
        page_size: int = PAGE_SIZE,
        timeout: float = TIMEOUT_S,
        public: bool = False,
        words: Words | None = None,
        place: PagePlace | None = None,
    ) -> None:
        """`place`: where the listing opens (the first page; a press after a restart: the page it names)."""
        super().__init__(timeout=timeout)
        self._words = words or english()  # the viewer's language
        self._browser = browser
        self._service = service
        self._files = files
        self._thumbnails: list[str] = []  # the page's pictures, by file name
        self._guild_id = guild_id
        self._viewer = viewer  # who ran /history: only they turn its pages; deleted results for managers
        self._filters = filters
        self._public = public  # the channel sees this listing: nobody's private results are in it
        self._page_size = page_size
        self._report_error = report_error
        self._page = HistoryPage((), None)
        place = place or PagePlace()
        self._cursors = KeysetCursors(
            newest_shown=lambda: self._page.jobs[0].id if self._page.jobs else None,
            page_number=place.page_number,
            before_id=place.before_id,
            after_id=place.after_id,
        )
        self._pages: PageTurner[HistoryView, list[discord.File]] = PageTurner(
            load=self._load,
            show=self._show,
            next_before_id=lambda: self._page.next_before_id,
            labels=(self._words("history.newer"), self._words("history.older")),
            custom_id="history",
            forms=forms,
            cursors=self._cursors,
            turn_ids=self._turn_id,
        )
        self.newer, self.older = self._pages.newer, self._pages.older
        self.job_select: discord.ui.Select[HistoryView] = discord.ui.Select(
            placeholder=self._words("history.open"), custom_id="history:open"
        )
        self._forms = forms
        self.job_select.callback = self._open_job  # type: ignore[method-assign]  # discord.py's documented way

    @property
    def page(self) -> HistoryPage:
        return self._page

    async def first_page(self, interaction: discord.Interaction) -> list[discord.File]:
        """Loads the first page into this view; the files its gallery shows, to send with it."""
        self.job_select.custom_id = self._pages.own_id("open", interaction)
        self._forms.opened(self.job_select.custom_id)
        return await self._pages.first_page(interaction)

    async def resume(self, interaction: discord.Interaction) -> None:
        """Shows the page this view was made at in place of the listing whose button, naming that page,
        `interaction` pressed (bot.exts.listing_presses)."""
        self.job_select.custom_id = self._pages.own_id("open", interaction)
        self._forms.opened(self.job_select.custom_id)
        await self._pages.resume(interaction)

    def _turn_id(self, name: str, command_id: int) -> str | None:
        newest = self._page.jobs[0].id if self._page.jobs and not self._page.at_newest else None
        return turn_id(
            name,
            command_id,
            page_number=self._cursors.page_number,
            anchor=self._page.next_before_id if name == "older" else newest,
            public=self._public,
            filters=self._filters,
        )

    async def _load(self) -> list[discord.File]:
        manager_listing = self._viewer.is_manager and not self._public
        self._page = await self._browser.history(
            self._guild_id,
            user_id=self._filters.user_id,
            kind=self._filters.kind,
            status=self._filters.status,
            search=self._filters.search,
            before_id=self._cursors.before_id,
            after_id=self._cursors.after_id,
            limit=self._page_size,
            # Deleted results are a manager's to look at, never the channel's ("delete means delete").
            include_deleted=self._viewer.is_manager and not self._public,
            viewer_id=None if self._public else self._viewer.user_id,
            include_private=self._viewer.is_manager and not self._public,
            # Results held back by the content settings: a manager's, never a channel's.
            include_withheld=self._viewer.is_manager and not self._public,
            # Others' jobs made in channels the viewer cannot read: for nobody's listing of theirs. A public
            # one is the channel's: nothing made where some of its readers cannot read, whoever asked.
            hidden_channel_ids=(
                self._viewer.hidden_from_channel_readers if self._public else self._viewer.hidden_channel_ids
            ),
            # A private thread's jobs: for who reads it; in public, for that thread only.
            private_threads_read=(
                frozenset({self._viewer.channel_id}) if self._public else self._viewer.private_threads_read
            ),
            threads_managed_in=frozenset() if self._public else self._viewer.threads_managed_in,
            # Jobs made in channels deleted since: a manager's, never a channel's.
            known_channel_ids=None if manager_listing else self._viewer.known_channel_ids,
        )
        self._cursors.landed(at_newest=self._page.at_newest)
        safety = await self._safety_here()
        # A picture the content settings hold back where this listing is shown is not in a public one.
        shown = [
            image
            for job in self._page.jobs
            if (image := self._page.images.get(job.id)) is not None
            and not (self._public and safety(job, image) is SafetyAction.WITHHELD)
        ]
        # A result the content settings spoilered (or held back) stays behind a spoiler here too.
        flagged = {
            thumbnail_name(job.id)
            for job in self._page.jobs
            if job.id in self._page.images and safety(job, self._page.images[job.id]) is not None
        }
        thumbnails = [
            t.as_spoiler() if t.filename in flagged else t for t in await page_thumbnails(self._files, shown)
        ]
        self._thumbnails = [t.filename for t in thumbnails]
        self._arrange()
        self._lay_out(controls=True)
        return [t.to_discord() for t in thumbnails]

    async def _safety_here(self) -> Callable[[JobView, ArtifactView], SafetyAction | None]:
        """What the content settings do with a job's picture in this listing's channel, which may not be
        the one it was made in (core.safety.policy.action_shown_in)."""
        mode = (await self._service.policies.get(self._guild_id)).safety_mode
        nsfw = self._viewer.channel_is_nsfw

        def safety(job: JobView, image: ArtifactView) -> SafetyAction | None:
            return action_shown_in(
                job.safety_action, mode, flagged=any_flagged([image]), channel_is_nsfw=nsfw
            )

        return safety

    def _lay_out(self, *, controls: bool) -> None:
        listing, footer = history_text(
            self._words,
            self._page,
            page_number=self._cursors.page_number,
            filters=self._filters,
            personal=is_personal(self._guild_id),
        )
        children: list[discord.ui.Item[HistoryView]] = [discord.ui.TextDisplay(listing)]
        captions = {thumbnail_name(job.id): _caption(self._words, job) for job in self._page.jobs}
        if self._thumbnails:
            items = [
                discord.MediaGalleryItem(
                    f"attachment://{name}",
                    description=captions.get(name.removeprefix(SPOILER_PREFIX)),
                    spoiler=name.startswith(SPOILER_PREFIX),
                )
                for name in self._thumbnails
            ]
            children.append(discord.ui.MediaGallery(*items))
        if controls:
            children += [discord.ui.ActionRow(self.job_select), discord.ui.ActionRow(self.newer, self.older)]
        children.append(discord.ui.TextDisplay(f"-# {footer}"))
        self.clear_items()
        self.add_item(discord.ui.Container(*children, accent_colour=discord.Colour.blurple()))

    def _arrange(self) -> None:
        jobs = self._page.jobs
        if jobs:
            self.job_select.options = [
                discord.SelectOption(
                    label=option_label(self._words, job),
                    value=str(job.id),
                    description=job_option_description(self._words, job),
                )
                for job in jobs
            ]
            self.job_select.disabled = False
        else:
            self.job_select.options = [
                discord.SelectOption(label=self._words("history.empty_page"), value="0")
            ]
            self.job_select.disabled = True

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self._viewer.user_id:
            return True
        words = words_for(interaction.client, interaction.locale)  # someone else: their own language
        await reply_privately(interaction, words("history.not_yours", history=words.command("history")))
        return False

    async def _open_job(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        job_id = int(self.job_select.values[0])
        job, artifacts = await self._service.get_with_artifacts(
            job_id, guild_id=self._guild_id, viewer=self._viewer
        )
        await interaction.followup.send(embed=job_embed(self._words, job, artifacts), ephemeral=True)

    async def _show(self, interaction: discord.Interaction, files: list[discord.File]) -> None:
        await interaction.edit_original_response(view=self, attachments=files)

    async def on_timeout(self) -> None:
        self._forms.closed(self.job_select.custom_id)
        self._pages.expired()
        last = self._pages.last_interaction
        if last is None or self._pages.outlive_the_view:
            return
        self._lay_out(controls=False)  # a V2 message keeps its layout: only the controls go
        try:
            await last.edit_original_response(view=self)
        except discord.HTTPException:
            with log_context(guild_id=self._guild_id):
                log.debug("history buttons could not be removed")

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await self._report_error(interaction, error, where="the /history browser")


def _caption(words: Words, job: JobView) -> str:
    """A gallery picture's alt text: which job it is, and what was asked."""
    return shorten(f"#{job.id} {job_summary(words, job)}", 200)
