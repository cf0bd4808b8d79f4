"""✉️: a finished job's files sent to someone by direct message."""

from __future__ import annotations

import discord

from bot.locales import Words
from bot.reporting.attachments import MAX_FILES_PER_MESSAGE, fit_to_limit
from bot.reporting.files import read_artifacts
from bot.ui.job_messages import describe_request
from core.jobs.artifact_files import ArtifactFiles
from core.jobs.snapshots import ArtifactView, JobView, SafetyAction


async def send_result_by_dm(
    words: Words,
    user: discord.User | discord.Member,
    job: JobView,
    artifacts: tuple[ArtifactView, ...],
    *,
    files: ArtifactFiles,
    upload_limit: int,
) -> discord.Message:
    """Raises discord.Forbidden when the person does not accept DMs from the bot."""
    sent = await read_artifacts(files, job, artifacts[:MAX_FILES_PER_MESSAGE], among=artifacts)
    if job.safety_action is SafetyAction.SPOILERED:  # as in the channel, and as /show posts it again
        sent = [file.as_spoiler() for file in sent]
    fitted = await fit_to_limit(sent, upload_limit)
    text = words("direct.caption", job_id=job.id, request=describe_request(words, job))
    return await user.send(text[:2000], files=[f.to_discord() for f in fitted.files])
