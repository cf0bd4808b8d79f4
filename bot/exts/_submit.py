"""The part every generating command shares: acknowledge, submit to the job service, hand the job to the
reporter that edits the response in place."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

import discord

from bot.client import ComfyBot
from bot.inputs.capped_read import read_capped
from bot.ui.requesters import guild_id_of, requester_from_interaction
from core.errors import UserFacingError
from core.inputs import InputRefused
from core.jobs.given_input import GivenInput
from core.jobs.preferences import Preferences
from core.jobs.service import JobRequest, SubmitReceipt
from core.jobs.shown_on import ShownOn
from core.kinds import JobKind, KindParams
from core.texts import Text

log = logging.getLogger(__name__)

# Attached documents are small text files; anything larger is refused before it is downloaded.
MAX_ATTACHMENT_BYTES = 64 * 1024
# The documents read_attachment reads, as its sentences name them ("The lyrics file is too large").
LYRICS_FILE = Text("download.what.lyrics_file", "lyrics file")
PROMPT_DOCUMENT = Text("download.what.prompt_document", "prompt document")


@dataclass(frozen=True, slots=True)
class Answer:
    """The "thinking…" reply a job will be shown on, and whether only its requester sees it."""

    message_id: int
    private: bool = False


async def defer_reply(interaction: discord.Interaction, *, private: bool = False) -> Answer:
    """Acknowledge with a "thinking…" message, public or ephemeral (private results, core.jobs.privacy):
    Discord fixes a reply's EPHEMERAL flag with this first answer, and every edit keeps it."""
    callback = await interaction.response.defer(thinking=True, ephemeral=private)
    if callback is not None and callback.message_id is not None:
        return Answer(callback.message_id, private)
    return Answer((await interaction.original_response()).id, private)


async def preferences_of(bot: ComfyBot, interaction: discord.Interaction) -> Preferences:
    """The member's preferences, read once per interaction: its privacy, the defaults of its parameters and
    its workflow all ask for them, and each read is a database round trip or four."""
    known = interaction.extras.get(_PREFERENCES)
    if isinstance(known, Preferences):
        return known
    read = await bot.runtime.preferences.get(interaction.user.id)
    interaction.extras[_PREFERENCES] = read
    return read


_PREFERENCES = "comfy-bot:preferences"  # interaction.extras key (discord.py's dict for a bot's own data)


async def wants_private(bot: ComfyBot, interaction: discord.Interaction) -> bool:
    """Whether this request is answered privately: the member's preference, or a button on a private
    (ephemeral) result, if the guild allows private results (core.jobs.privacy)."""
    message = interaction.message
    on_private = message is not None and message.flags.ephemeral
    return await bot.runtime.privacy.private(
        guild_id_of(interaction),
        interaction.user.id,
        from_private=on_private,
        preferences=lambda: preferences_of(bot, interaction),
    )


async def read_attachment(bot: ComfyBot, attachment: discord.Attachment, what: Text) -> bytes:
    """A small attached document, read with the cap counted on the bytes themselves (see capped_read)."""
    try:
        return await read_capped(
            bot.runtime.http,
            attachment.url,
            max_bytes=MAX_ATTACHMENT_BYTES,
            declared_size=attachment.size,
            what=what,
        )
    except InputRefused as refused:
        most = MAX_ATTACHMENT_BYTES // 1024
        raise UserFacingError(
            Text(
                "download.too_large",
                f"The {what} is too large: at most {most} KB.",
                {"what": what, "most": most},
            )
        ) from refused


async def submit_and_show(
    bot: ComfyBot,
    interaction: discord.Interaction,
    answer: Answer,
    *,
    params: KindParams,
    raw_input: str,
    workflow: str | None,
    inputs: tuple[GivenInput, ...] = (),
) -> SubmitReceipt:
    request = await request_of(
        bot, interaction, answer, params=params, raw_input=raw_input, workflow=workflow, inputs=inputs
    )
    return await submit_on_interaction(bot, interaction, answer.message_id, request)


async def request_of(
    bot: ComfyBot,
    interaction: discord.Interaction,
    answer: Answer,
    *,
    params: KindParams,
    raw_input: str,
    workflow: str | None,
    inputs: tuple[GivenInput, ...] = (),
) -> JobRequest:
    """The member's request, to be shown on `answer` (not yet said where: see `shown_on`)."""
    kind = bot.runtime.kinds.of(params).kind
    workflow = await preferred_workflow(bot, interaction, kind, workflow)
    return JobRequest(
        guild_id=guild_id_of(interaction),
        requester=requester_from_interaction(interaction),
        raw_input=raw_input,
        params=params,
        workflow=workflow,
        inputs=inputs,
        private=answer.private,
    )


async def preferred_workflow(
    bot: ComfyBot, interaction: discord.Interaction, kind: str, asked: str | None
) -> str | None:
    """The workflow asked for, else the member's usable preference, else None (the guild's default)."""
    if asked is not None:
        return asked
    preferences = await preferences_of(bot, interaction)
    return bot.runtime.preferences.workflow_for(preferences, kind, scope=guild_id_of(interaction))


def shown_on(bot: ComfyBot, interaction: discord.Interaction, message_id: int) -> ShownOn:
    """The message that shows a job and the interaction's token, kept with the job (a worker process
    edits that message with them)."""
    lifetime = timedelta(seconds=bot.reporting_config.token_lifetime_s)
    expires_at = interaction.created_at + lifetime
    return ShownOn(message_id, interaction.token, expires_at, upload_limit=interaction.filesize_limit)


async def submit_on_interaction(
    bot: ComfyBot,
    interaction: discord.Interaction,
    message_id: int,
    request: JobRequest,
    *,
    followup: bool = False,
) -> SubmitReceipt:
    """Submit the job with the message that shows it (`shown_on`), then show it there (`followup`: a
    followup message of the interaction, not its response).

    What raises is the submission's (a refusal: nothing was made). Once the job exists, a failure to show
    it is logged and goes no further: the command's error path would delete its message, and the job is
    queued with that message's id and token, where its reporter (this process's or a worker's) finds it.
    """
    shown = shown_on(bot, interaction, message_id)
    receipt = await bot.runtime.service.submit(replace(request, shown_on=shown))
    try:
        await bot.reporter.show_on_interaction(receipt, interaction, message_id, followup=followup)
    except Exception:
        log.exception("job %s is queued, but its message %s was not shown yet", receipt.job.id, message_id)
    return receipt


def workflow_choices(
    bot: ComfyBot, kind: JobKind, typed: str, *, scope: int | None = None
) -> list[discord.app_commands.Choice[str]]:
    """Workflows of this kind that validated and that some backend can run, filtered by what was typed;
    ``scope``: the guild asking, whose own workflows are offered too."""
    runtime = bot.runtime
    names = [
        name
        for name in runtime.catalogue.names(kind, scope=scope)
        if not runtime.dispatcher.capabilities.known_incapable(
            runtime.catalogue.resolve(name, scope=scope) or name
        )
    ]
    typed = typed.strip().lower()
    return [discord.app_commands.Choice(name=n, value=n) for n in names if typed in n.lower()][:25]
