"""What /show may post of a job here, decided before it answers: a refusal (not found, no results, held
back in this channel) is then private from its first byte, and a manager's look at what the channel may
not see is answered privately. A failed job has nothing to post: a manager is told, privately, what went
wrong on the server (core.jobs.browsing.JobBrowser.failure_detail); anyone else, that it has no results."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.client import ComfyBot
from bot.locales import words_for
from core.errors import UserFacingError
from core.jobs.policy import Requester
from core.jobs.snapshots import ArtifactView, JobView, SafetyAction
from core.safety.policy import action_shown_in, any_flagged
from core.texts import Text


@dataclass(frozen=True, slots=True)
class Showable:
    job: JobView
    artifacts: tuple[ArtifactView, ...]
    safety: SafetyAction | None  # what the content settings do with it in this channel (never WITHHELD)
    # A failed job's technical detail, for a manager's eyes only (then there are no artifacts).
    failure_detail: str | None = None


async def showable(
    bot: ComfyBot, interaction: discord.Interaction, job_id: int, *, scope: int, viewer: Requester
) -> Showable:
    """The job and its files, if /show may post them here; else the refusal, in the asker's words."""
    service = bot.runtime.service
    await check_posting_here(bot, scope, viewer, asked=f"/show job:{job_id}")
    found, artifacts = await service.get_with_artifacts(job_id, guild_id=scope, viewer=viewer)
    if not artifacts:
        detail = await bot.runtime.browser.failure_detail(found, viewer)
        if detail is not None:
            return Showable(found, (), None, failure_detail=detail)
        status = Text(f"statuses.{found.status.value}", found.status.value)
        raise UserFacingError(
            Text(
                "history.no_results",
                f"Job #{found.id} has no results to show (it is {status}).",
                {"job_id": found.id, "status": status},
            )
        )
    # As the content settings say for this channel, which may not be the one it was made in.
    mode = (await service.policies.get(scope)).safety_mode
    safety = action_shown_in(
        found.safety_action, mode, flagged=any_flagged(artifacts), channel_is_nsfw=viewer.channel_is_nsfw
    )
    if safety is SafetyAction.WITHHELD:  # a manager's /show would post it to the channel
        words = words_for(bot, interaction.locale)
        history = words.command("history")
        raise UserFacingError(words("safety.show_held_back", job_id=found.id, history=history))
    return Showable(found, artifacts, safety)


async def check_posting_here(bot: ComfyBot, scope: int, viewer: Requester, *, asked: str) -> None:
    """Raise the refusal a request made here would get from the server's rules on where and by whom I am
    used (its channels, roles, age-restricted channels only): what was made in an age-restricted channel
    does not reach another one through /show or a public /history listing. Logged in the server's
    moderation log as a request's refusal is; `asked` is the command as the log shows it."""
    await bot.runtime.service.admission.check_posting_again(scope, viewer, asked=asked)
