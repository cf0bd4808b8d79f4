"""A job's message found again from the ids and the interaction token kept with the job: after a restart,
or in a worker process running a job a gateway process showed."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import discord

from bot.reporting.config import ReportingConfig
from bot.reporting.stored_token import StoredInteraction
from bot.reporting.targets import MessageTarget, token_only_for
from core.jobs.snapshots import JobView


def target_from_ids(client: discord.Client, config: ReportingConfig, job: JobView) -> MessageTarget | None:
    message_id = job.channel_message_id or job.response_message_id
    if message_id is None:
        return None
    limit = job.upload_limit or config.default_upload_limit  # what the interaction allowed, if one did
    target = MessageTarget(job.channel_id, message_id, limit, job.id, token_only=token_only_for(job))
    token, expires_at = job.interaction_token, job.interaction_token_expires_at
    application_id = client.application_id
    if job.channel_message_id is None and token and expires_at is not None and application_id:
        left_s = (expires_at - datetime.now(UTC)).total_seconds()
        if left_s > 0:
            target.interaction = StoredInteraction(client, application_id, token, message_id)
            target.token_deadline = time.monotonic() + left_s
    return target
