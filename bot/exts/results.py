"""What people do with a whole result: its buttons (🔁 reroll, ℹ info, 🗑 delete) and reactions (🔁
regenerate as the reacting member, ❌ delete (cancel, on a job not finished yet), ✉️ by DM, 🌱 / 🎲 Vary
(subtle / strong) of a one-image result). One file's actions (Vary, Remix, Edit, Upscale, Cover) are in
`result_actions.py`, replies to a result in `result_replies.py`.

Buttons are DynamicItems: the job id lives in the custom_id, so they work after any restart. Refusals of
a button are ephemeral; a reaction has no interaction to answer, so its refusal is a short reply that
mentions the member and deletes itself after `ReportingConfig.notice_ttl_s`, naming no blocked word
(`_notices`).
"""

from __future__ import annotations

import collections
import contextlib
import logging
import re
from dataclasses import replace
from typing import Any

import discord
from discord.ext import commands

from background.log_context import log_context
from bot.client import ComfyBot
from bot.exts._admission import decide_then_defer
from bot.exts._notices import refusal_notice
from bot.exts._submit import submit_on_interaction
from bot.exts.errors import report_error
from bot.exts.result_actions import run_action
from bot.locales import words_for
from bot.reporting.direct import send_result_by_dm
from bot.ui.job_info import info_files, render_info
from bot.ui.requesters import guild_id_of, requester_from_interaction, requester_from_member
from bot.ui.result_buttons import JobAction, read_only_button
from core.errors import UserFacingError
from core.jobs.derived import ResultAction
from core.jobs.policy import Requester
from core.jobs.scopes import is_personal
from core.jobs.service import JobRequest, SubmitReceipt
from core.jobs.snapshots import JobView, SafetyAction
from core.texts import Text

log = logging.getLogger(__name__)

REGENERATE, DELETE, SEND_BY_DM = "🔁", "❌", "✉"
# The Vary buttons' own emoji, as reactions: the result's file is the new job's input. Only these two: they
# need no form, and unlike ⬆️ (a common "upvote") nobody reacts with them for something else.
FROM_FILE = {"🌱": ResultAction.VARY_SUBTLE, "🎲": ResultAction.VARY_STRONG}
_SEEN_REACTIONS_KEPT = 10_000


# Buttons of results delivered before Vary (subtle/strong) and per-file actions: still answered.
_LEGACY = {"vary": ResultAction.VARY_STRONG, "upscale": ResultAction.UPSCALE}


class JobButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"job:(?P<action>reroll|info|delete|vary|upscale):(?P<job_id>\d+)",
):
    def __init__(self, action: str, job_id: int) -> None:
        # Only read (its custom_id), never drawn: a legacy button keeps its own custom_id.
        super().__init__(read_only_button(f"job:{action}:{job_id}"))
        self.action = action
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> JobButton:
        return cls(match["action"], int(match["job_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.action in _LEGACY:
            await run_action(interaction, _LEGACY[self.action], self.job_id, 0)
            return
        bot = interaction.client
        if not isinstance(bot, ComfyBot):
            raise TypeError("result buttons belong to a ComfyBot")
        try:
            await _BUTTONS[JobAction(self.action)](bot, interaction, self.job_id)
        except Exception as error:
            await report_error(interaction, error, where=f"button {self.action} job_id={self.job_id}")


async def _reroll(bot: ComfyBot, interaction: discord.Interaction, job_id: int) -> None:
    service = bot.runtime.service

    async def decide() -> JobRequest:
        request = await bot.runtime.results.regeneration(
            job_id, guild_id=guild_id_of(interaction), requester=requester_from_interaction(interaction)
        )
        await service.precheck(request)
        return request

    request, answer = await decide_then_defer(bot, interaction, decide)
    await submit_on_interaction(bot, interaction, answer.message_id, replace(request, private=answer.private))


async def _info(bot: ComfyBot, interaction: discord.Interaction, job_id: int) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    job, artifacts = await bot.runtime.service.get_with_artifacts(job_id, guild_id=guild_id_of(interaction))
    await interaction.followup.send(
        embed=render_info(words_for(bot, interaction.locale), job, artifacts),
        files=info_files(job),
        ephemeral=True,
    )


async def _delete(bot: ComfyBot, interaction: discord.Interaction, job_id: int) -> None:
    await interaction.response.defer()  # an invisible acknowledgement: the message itself goes away
    scope = guild_id_of(interaction)
    await bot.runtime.service.delete_result(
        job_id, guild_id=scope, requester=requester_from_interaction(interaction)
    )
    # A press in flight with another (a double click, or the requester's and a moderator's) finds the
    # message gone already, 404 Unknown Message: what it asked for.
    with contextlib.suppress(discord.NotFound):
        if interaction.message is not None and (interaction.message.flags.ephemeral or is_personal(scope)):
            # A private result, and one made where the bot is not (a personal scope: a DM, a server without
            # it), exist for the bot only behind the interaction's webhook: their channel route answers
            # 10008 Unknown Message or 403. After a component's deferred update, @original is the clicked
            # message.
            await interaction.delete_original_response()
        elif interaction.message is not None:
            await interaction.message.delete()
    with log_context(job_id=job_id):
        log.info("result deleted by %s", interaction.user.id)


_BUTTONS = {JobAction.REROLL: _reroll, JobAction.INFO: _info, JobAction.DELETE: _delete}


class Results(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot
        # A reaction delivered twice (a gateway replay) runs once; removing it and adding it again is a new
        # request, so a removal forgets it.
        self._seen: collections.OrderedDict[tuple[int, int, str], None] = collections.OrderedDict()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(JobButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(JobButton)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        emoji = str(payload.emoji).replace("\ufe0f", "")
        me = self.bot.user
        if (
            payload.guild_id is None
            or payload.member is None
            or emoji not in (REGENERATE, DELETE, SEND_BY_DM, *FROM_FILE)
        ):
            return
        if me is not None and payload.user_id == me.id:
            return
        if self._already_seen((payload.message_id, payload.user_id, emoji)):
            return
        job = await self.bot.runtime.browser.job_for_message(payload.message_id, guild_id=payload.guild_id)
        if job is None:
            return
        try:
            await self._react(emoji, job, payload, payload.member)
        except UserFacingError as refusal:
            await refusal_notice(self.bot, payload.channel_id, payload.member, refusal)
        except discord.HTTPException:
            with log_context(job_id=job.id, guild_id=job.guild_id):
                log.exception("reaction %s by %s failed", emoji, payload.user_id)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        emoji = str(payload.emoji).replace("\ufe0f", "")
        self._seen.pop((payload.message_id, payload.user_id, emoji), None)

    async def _react(
        self, emoji: str, job: JobView, payload: discord.RawReactionActionEvent, member: discord.Member
    ) -> None:
        channel = self.bot.get_channel(payload.channel_id)
        guild_channel = channel if isinstance(channel, discord.abc.GuildChannel | discord.Thread) else None
        requester = requester_from_member(member, guild_channel, payload.channel_id)
        service = self.bot.runtime.service
        if job.safety_action is SafetyAction.WITHHELD and not requester.is_manager and emoji != DELETE:
            # 🔁, 🌱, 🎲 and ✉️ on a held-back result: said so, not "no such job" (it is not theirs to see).
            words = words_for(self.bot, member.guild.preferred_locale)  # a reaction has no locale
            raise UserFacingError(words("safety.dm_held_back"))
        if emoji == REGENERATE:
            receipt = await self.bot.runtime.results.regenerate(
                job.id, guild_id=job.guild_id, requester=requester
            )
            await self.bot.reporter.show_in_channel(receipt, payload.channel_id)
        elif emoji in FROM_FILE:
            receipt = await self._from_file(FROM_FILE[emoji], job, requester)
            await self.bot.reporter.show_in_channel(receipt, payload.channel_id)
        elif emoji == DELETE and not job.status.is_final:
            # ❌ on a job still queued or running stops it, as /cancel would (same rule of who may); its
            # message stays to say so, and a second ❌ deletes it. Deleting the message alone let the job
            # run on unseen, on a server's time and the member's place in the queue.
            await service.cancel(job.id, guild_id=job.guild_id, requester=requester)
        elif emoji == DELETE:
            await service.delete_result(job.id, guild_id=job.guild_id, requester=requester)
            partial = self.bot.get_partial_messageable(payload.channel_id)
            await partial.get_partial_message(payload.message_id).delete()
        else:
            job, artifacts = await service.get_with_artifacts(job.id, guild_id=job.guild_id)
            if not artifacts:
                raise UserFacingError(Text("results.nothing_to_send", "That job has no files to send yet."))
            try:
                await send_result_by_dm(
                    # A reaction carries no client locale: the server's language.
                    words_for(self.bot, member.guild.preferred_locale),
                    member,
                    job,
                    artifacts,
                    files=self.bot.runtime.artifact_files,
                    upload_limit=self.bot.reporting_config.default_upload_limit,
                )
            except discord.Forbidden as error:
                raise UserFacingError(
                    Text(
                        "results.no_dms",
                        "I can't send you direct messages. Allow DMs from server members and react again.",
                    )
                ) from error

    async def _from_file(self, action: ResultAction, job: JobView, requester: Requester) -> SubmitReceipt:
        """`action` on the result's one file, as its button would; who may and which media, as for it."""
        request = await self.bot.runtime.results.request(
            action, job.id, 0, guild_id=job.guild_id, requester=requester
        )
        if request.made_from is not None and request.made_from.out_of > 1:
            # A reaction is on the whole message: it cannot say which image, the numbered buttons can.
            made = request.made_from.out_of
            raise UserFacingError(
                Text(
                    "results.reaction_on_several",
                    f"Job #{job.id} made {made} images: choose one with the buttons under it.",
                    {"job_id": job.id, "made": made},
                )
            )
        return await self.bot.runtime.service.submit(request)

    def _already_seen(self, key: tuple[int, int, str]) -> bool:
        if key in self._seen:
            return True
        self._seen[key] = None
        if len(self._seen) > _SEEN_REACTIONS_KEPT:
            self._seen.popitem(last=False)
        return False


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(Results(bot))
