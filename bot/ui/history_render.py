"""How /history looks: a page of jobs, and one job opened with its parameters and artifacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.locales import Words
from bot.ui.wording import kind_noun, message_url, parameter_name, parameter_value
from core.jobs.derived import ResultMessage
from core.jobs.snapshots import ArtifactView, HistoryPage, JobStatus, JobView, SafetyAction
from core.kinds import JobKind, spec_of
from core.workflows.library import workflow_title

STATUS_MARKS: dict[JobStatus, str] = {
    JobStatus.QUEUED: "⏳",
    JobStatus.RUNNING: "⚙️",
    JobStatus.SUCCEEDED: "✅",
    JobStatus.FAILED: "❌",
    JobStatus.CANCELLED: "🚫",
}
COLOUR = discord.Colour.blurple()
# Not among a job's parameters: the seed has its own line (and the kind's main text is shown apart).
_NOT_A_PARAMETER = frozenset({"seed"})


@dataclass(frozen=True, slots=True)
class HistoryFilters:
    user_id: int | None = None
    kind: JobKind | None = None
    search: str | None = None
    status: JobStatus | None = None

    def describe(self, words: Words) -> str:
        parts = [words(f"statuses.{self.status.value}")] if self.status is not None else []
        if self.kind is not None:
            parts.append(words.optional(f"kinds.{self.kind}.plural") or f"{self.kind}s")
        if self.user_id is not None:
            parts.append(words("history.by", user_id=self.user_id))
        if self.search:
            parts.append(words("history.matching", search=shorten(self.search, 50)))
        return " · ".join(parts)


def shorten(text: str, limit: int) -> str:
    """One line, at most `limit` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def job_summary(words: Words, job: JobView) -> str:
    """What a job asked for, in a few words: its prompt, or a song's title and lyrics."""
    return words.say(spec_of(job.params).history_summary(job.params, job.raw_input))


def job_line(words: Words, job: JobView) -> str:
    when = discord.utils.format_dt(job.queued_at, "R")
    deleted = f" 🗑️ *{words('history.deleted')}*" if job.deleted_at is not None else ""  # managers only
    withheld = job.safety_action is SafetyAction.WITHHELD
    deleted += f" 🔞 *{words('history.held_back')}*" if withheld else ""  # managers too
    mark = spec_of(job.params).texts.mark
    return (
        f"{STATUS_MARKS[job.status]} **#{job.id}** {mark} {when} <@{job.user_id}>{deleted} — "
        f"{shorten(job_summary(words, job), 90)}"
    )


def history_text(
    words: Words, page: HistoryPage, *, page_number: int, filters: HistoryFilters, personal: bool = False
) -> tuple[str, str]:
    """(the page's listing, its footer line) for the /history message. `personal`: the person's own jobs
    made where the app is not installed (core.jobs.scopes)."""
    described = filters.describe(words)
    if page.jobs:
        lines = "\n".join(job_line(words, job) for job in page.jobs)
        listing = f"{described}\n\n{lines}" if described else lines
    elif page_number == 1:
        if described:
            listing = words("history.none_filtered", filters=described)
        else:
            listing = words("history.none_personal" if personal else "history.none")
    else:
        listing = words("history.no_older")
    footer = [words("history.page", page=page_number)]
    if page.next_before_id is not None:
        footer.append(words("history.more"))
    footer.append(words("history.pick"))
    return f"## {words('history.title')}\n{listing}", " · ".join(footer)


def job_option_label(words: Words, job: JobView) -> str:
    deleted = f" · {words('history.deleted')}" if job.deleted_at is not None else ""
    deleted += f" · {words('history.held_back')}" if job.safety_action is SafetyAction.WITHHELD else ""
    kind, status = kind_noun(words, spec_of(job.params)), words(f"statuses.{job.status.value}")
    return shorten(f"#{job.id} {kind} · {status}{deleted}", 100)


def job_option_description(words: Words, job: JobView) -> str:
    return shorten(job_summary(words, job), 100) or words("history.no_prompt")


def parameter_lines(words: Words, params: dict[str, Any], shown_apart: str = "") -> list[str]:
    lines = []
    for name, value in sorted(params.items()):
        if name in _NOT_A_PARAMETER or name == shown_apart or value is None or value == [] or value == "":
            continue
        shown = (
            ", ".join(_item(v) for v in value)
            if isinstance(value, list)
            else parameter_value(words, name, value)
        )
        lines.append(f"**{parameter_name(words, name)}**: {shorten(shown, 200)}")
    return lines


def _item(value: Any) -> str:
    """A LoRA as members type it (``ink.safetensors:0.6``); anything else as itself."""
    if isinstance(value, dict) and "name" in value:
        weight = value.get("weight")
        return f"{value['name']}:{weight:g}" if isinstance(weight, int | float) else str(value["name"])
    return str(value)


def artifact_line(words: Words, artifact: ArtifactView) -> str:
    size = f"{artifact.size_bytes / 1_048_576:.1f} MiB"
    shape = f"{artifact.width}×{artifact.height}, " if artifact.width and artifact.height else ""
    length = f"{artifact.duration_s:.0f} s, " if artifact.duration_s else ""
    name = artifact.path.rsplit("/", 1)[-1]
    uploaded = artifact.attachment_url
    shown = f"[{name}]({uploaded})" if uploaded else words("history.not_uploaded", name=name)
    return f"{shown} — {shape}{length}{size}"


def jump_url(job: JobView) -> str | None:
    """The link to the job's message, only where it leads somewhere anyone may open (the rule of "made
    from" links): not a private (ephemeral) reply, a DM or a server without the bot, a deleted or withheld
    result."""
    shown = ResultMessage.of(job)
    return None if shown is None else message_url(shown)


def job_embed(words: Words, job: JobView, artifacts: tuple[ArtifactView, ...]) -> discord.Embed:
    """Everything about one job: what was asked, how, by whom, what came of it."""
    kind = spec_of(job.params)
    embed = discord.Embed(
        title=f"{kind.texts.mark} {words('info.title', job_id=job.id)}",
        description=None if kind.long_main_text else shorten(job_summary(words, job), 1000),
        colour=COLOUR,
        url=jump_url(job),
    )
    status = words(f"statuses.{job.status.value}")
    embed.add_field(name=words("info.status"), value=f"{STATUS_MARKS[job.status]} {status}")
    where = words("history.asked_in", user_id=job.user_id, channel_id=job.channel_id)
    embed.add_field(name=words("info.requested_by"), value=where)
    embed.add_field(name=words("info.queued"), value=discord.utils.format_dt(job.queued_at, "f"))
    main_text = getattr(job.params, kind.main_field, None)
    if kind.long_main_text and main_text:
        name = parameter_name(words, kind.main_field)
        embed.add_field(name=name, value=_quote(str(main_text), 1000), inline=False)
    parameters = [
        f"**{words('params.workflow')}**: {workflow_title(job.workflow_name)}",
        f"**{words('params.seed')}**: {job.seed}",
        *parameter_lines(words, job.params.model_dump(mode="json"), shown_apart=kind.main_field),
    ]
    embed.add_field(name=words("history.parameters"), value=_cap("\n".join(parameters), 1024), inline=False)
    if job.started_at is not None and job.finished_at is not None:
        took = (job.finished_at - job.started_at).total_seconds()
        embed.add_field(
            name=words("history.took"), value=words("duration.seconds", seconds=words.number(took, 1))
        )
    if job.parent_id is not None:
        embed.add_field(name=words("history.rerun_of"), value=f"#{job.parent_id}")
    if job.error_message:
        wrong = words("history.what_went_wrong")
        embed.add_field(name=wrong, value=_cap(job.error_message, 1024), inline=False)
    if artifacts:
        lines = "\n".join(artifact_line(words, artifact) for artifact in artifacts)
        embed.add_field(name=words("history.artifacts"), value=_cap(lines, 1024), inline=False)
    return embed


def _quote(text: str, limit: int) -> str:
    return _cap("\n".join(f"> {line}" for line in text.splitlines()), limit)


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
