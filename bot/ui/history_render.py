"""How /history looks: a page of jobs, and one job opened with its parameters and artifacts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from core.jobs.snapshots import ArtifactView, HistoryPage, JobStatus, JobView, SafetyAction
from core.kinds import JobKind, spec_of

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

    def describe(self) -> str:
        parts = []
        if self.kind is not None:
            parts.append(f"{self.kind}s")
        if self.user_id is not None:
            parts.append(f"by <@{self.user_id}>")
        if self.search:
            parts.append(f"matching “{shorten(self.search, 50)}”")
        return " · ".join(parts)


def shorten(text: str, limit: int) -> str:
    """One line, at most `limit` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def job_summary(job: JobView) -> str:
    """What a job asked for, in a few words: its prompt, or a song's title and lyrics."""
    return spec_of(job.params).history_summary(job.params, job.raw_input)


def job_line(job: JobView) -> str:
    when = discord.utils.format_dt(job.queued_at, "R")
    deleted = " 🗑️ *deleted*" if job.deleted_at is not None else ""  # only managers are shown these
    deleted += " 🔞 *held back*" if job.safety_action is SafetyAction.WITHHELD else ""  # managers too
    mark = spec_of(job.params).texts.mark
    return (
        f"{STATUS_MARKS[job.status]} **#{job.id}** {mark} {when} <@{job.user_id}>{deleted} — "
        f"{shorten(job_summary(job), 90)}"
    )


def history_text(
    page: HistoryPage, *, page_number: int, filters: HistoryFilters, personal: bool = False
) -> tuple[str, str]:
    """(the page's listing, its footer line) for the /history message. `personal`: the person's own jobs
    made where the app is not installed (core.jobs.scopes)."""
    described = filters.describe()
    if page.jobs:
        lines = "\n".join(job_line(job) for job in page.jobs)
        listing = f"{described}\n\n{lines}" if described else lines
    elif page_number == 1:
        listing = (
            f"No jobs {described} yet."
            if described
            else "You have made nothing outside my servers yet."
            if personal
            else "Nothing has been made in this server yet."
        )
    else:
        listing = "No older jobs."
    more = " · older jobs on the next page" if page.next_before_id is not None else ""
    return f"## History\n{listing}", f"Page {page_number}{more} · pick a job below to open it"


def job_option_label(job: JobView) -> str:
    deleted = " · deleted" if job.deleted_at is not None else ""
    deleted += " · held back" if job.safety_action is SafetyAction.WITHHELD else ""
    return shorten(f"#{job.id} {job.kind} · {job.status.value}{deleted}", 100)


def job_option_description(job: JobView) -> str:
    return shorten(job_summary(job), 100) or "(no prompt)"


def parameter_lines(params: dict[str, Any], shown_apart: str = "") -> list[str]:
    lines = []
    for name, value in sorted(params.items()):
        if name in _NOT_A_PARAMETER or name == shown_apart or value is None or value == [] or value == "":
            continue
        shown = ", ".join(_item(v) for v in value) if isinstance(value, list) else str(value)
        lines.append(f"**{name.replace('_', ' ')}**: {shorten(shown, 200)}")
    return lines


def _item(value: Any) -> str:
    """A LoRA as members type it (``ink.safetensors:0.6``); anything else as itself."""
    if isinstance(value, dict) and "name" in value:
        weight = value.get("weight")
        return f"{value['name']}:{weight:g}" if isinstance(weight, int | float) else str(value["name"])
    return str(value)


def artifact_line(artifact: ArtifactView) -> str:
    size = f"{artifact.size_bytes / 1_048_576:.1f} MiB"
    shape = f"{artifact.width}×{artifact.height}, " if artifact.width and artifact.height else ""
    length = f"{artifact.duration_s:.0f} s, " if artifact.duration_s else ""
    name = artifact.path.rsplit("/", 1)[-1]
    shown = f"[{name}]({artifact.attachment_url})" if artifact.attachment_url else f"{name} (not uploaded)"
    return f"{shown} — {shape}{length}{size}"


def jump_url(job: JobView) -> str | None:
    message_id = job.channel_message_id or job.response_message_id
    if message_id is None:
        return None
    return f"https://discord.com/channels/{job.guild_id}/{job.channel_id}/{message_id}"


def job_embed(job: JobView, artifacts: tuple[ArtifactView, ...]) -> discord.Embed:
    """Everything about one job: what was asked, how, by whom, what came of it."""
    kind = spec_of(job.params)
    embed = discord.Embed(
        title=f"{kind.texts.mark} Job #{job.id}",
        description=None if kind.long_main_text else shorten(job_summary(job), 1000),
        colour=COLOUR,
        url=jump_url(job),
    )
    embed.add_field(name="Status", value=f"{STATUS_MARKS[job.status]} {job.status.value}")
    embed.add_field(name="Requested by", value=f"<@{job.user_id}> in <#{job.channel_id}>")
    embed.add_field(name="Queued", value=discord.utils.format_dt(job.queued_at, "f"))
    main_text = getattr(job.params, kind.main_field, None)
    if kind.long_main_text and main_text:
        embed.add_field(name=kind.main_field.capitalize(), value=_quote(str(main_text), 1000), inline=False)
    parameters = [
        f"**workflow**: {job.workflow_name}",
        f"**seed**: {job.seed}",
        *parameter_lines(job.params.model_dump(mode="json"), shown_apart=kind.main_field),
    ]
    embed.add_field(name="Parameters", value=_cap("\n".join(parameters), 1024), inline=False)
    if job.started_at is not None and job.finished_at is not None:
        took = (job.finished_at - job.started_at).total_seconds()
        embed.add_field(name="Took", value=f"{took:.1f} s")
    if job.parent_id is not None:
        embed.add_field(name="Rerun of", value=f"#{job.parent_id}")
    if job.error_message:
        embed.add_field(name="What went wrong", value=_cap(job.error_message, 1024), inline=False)
    if artifacts:
        lines = "\n".join(artifact_line(artifact) for artifact in artifacts)
        embed.add_field(name="Artifacts", value=_cap(lines, 1024), inline=False)
    return embed


def _quote(text: str, limit: int) -> str:
    return _cap("\n".join(f"> {line}" for line in text.splitlines()), limit)


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
