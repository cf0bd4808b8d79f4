"""What a job's message looks like in each state: queued, running, done, failed, cancelled.

Every job embed's footer reads "Job #<id> · <state>", so people (and tests) can tell the state at a glance.
A rendering is plain data; `signature` lets the reporter skip an edit that would change nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.ui.made import made_shape
from bot.ui.progress import progress_line
from bot.ui.setbacks import setback_line
from bot.ui.uploads import typed_file
from core.jobs.derived import MadeFrom
from core.jobs.snapshots import ArtifactView, JobView
from core.jobs.updates import JobSetback, Stage
from core.kinds import spec_of

QUEUED_COLOUR = discord.Colour.light_grey()
RUNNING_COLOUR = discord.Colour.blurple()
SETBACK_COLOUR = discord.Colour.orange()
DONE_COLOUR = discord.Colour.green()
FAILED_COLOUR = discord.Colour.red()
CANCELLED_COLOUR = discord.Colour.dark_grey()
_PROMPT_PREVIEW_CHARS = 300


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    filename: str
    data: bytes = field(repr=False)

    def to_discord(self) -> discord.File:
        return typed_file(self.filename, self.data)


@dataclass(frozen=True, slots=True)
class Rendering:
    content: str
    embed: discord.Embed
    files: tuple[OutgoingFile, ...] = ()
    view: discord.ui.View | None = None
    final: bool = False

    @property
    def signature(self) -> str:
        """Equal signatures mean an edit from one rendering to the other would change nothing visible."""
        document: dict[str, Any] = {
            "content": self.content,
            "embed": self.embed.to_dict(),
            "files": [(f.filename, hashlib.sha256(f.data).hexdigest()) for f in self.files],
            "components": self.view.to_components() if self.view is not None else [],
        }
        return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def _footer(embed: discord.Embed, job: JobView, state: str, extra: str = "") -> discord.Embed:
    return embed.set_footer(text=f"Job #{job.id} · {state}" + (f" · {extra}" if extra else ""))


def describe_request(job: JobView) -> str:
    """The request in one short paragraph: the prompt, or the song's title and style; a job made from a
    result says so first ("↪ Vary (strong) of #123")."""
    kind = spec_of(job.params)
    text = kind.summary(job.params) or f"a {kind.texts.noun}"
    if len(text) > _PROMPT_PREVIEW_CHARS:
        text = text[: _PROMPT_PREVIEW_CHARS - 1] + "…"
    made_from = MadeFrom.read(job.seed_document)
    if made_from is not None:
        text = f"↪ {made_from.describe()}\n{text}"
    return text


def _what(job: JobView) -> str:
    return spec_of(job.params).texts.noun


def render_queued(job: JobView, position: int | None, eta_s: float | None) -> Rendering:
    embed = discord.Embed(title=f"Queued: your {_what(job)}", description=describe_request(job))
    embed.colour = QUEUED_COLOUR
    if position is not None:
        ahead = "you are next" if position == 0 else f"{position} ahead of you"
        embed.add_field(name="Place in queue", value=ahead)
    if eta_s is not None:
        embed.add_field(name="Estimated wait", value=format_duration(eta_s))
    return Rendering(content="", embed=_footer(embed, job, "queued"))


@dataclass(frozen=True, slots=True)
class ProgressState:
    step: int | None = None
    steps: int | None = None
    elapsed_s: float = 0.0
    preview: OutgoingFile | None = None
    fraction: float = 0.0  # of the whole graph
    stage: Stage = Stage.STARTING


def render_running(job: JobView, progress: ProgressState) -> Rendering:
    embed = discord.Embed(title=f"Making your {_what(job)}…", description=describe_request(job))
    embed.colour = RUNNING_COLOUR
    line = progress_line(progress.fraction, progress.stage, progress.step, progress.steps)
    embed.add_field(name="Progress", value=line, inline=False)
    embed.add_field(name="Elapsed", value=format_duration(progress.elapsed_s))
    files: tuple[OutgoingFile, ...] = ()
    if progress.preview is not None:
        embed.set_image(url=f"attachment://{progress.preview.filename}")
        files = (progress.preview,)
    return Rendering(content="", embed=_footer(embed, job, "running"), files=files)


def render_setback(job: JobView, update: JobSetback, progress: ProgressState | None) -> Rendering:
    """The running message while its server is away: what happened and what comes next, not a frozen bar."""
    embed = discord.Embed(title=f"Making your {_what(job)}…", description=describe_request(job))
    embed.colour = SETBACK_COLOUR
    embed.add_field(name="Status", value=setback_line(update), inline=False)
    embed.add_field(name="Elapsed", value=format_duration(update.elapsed_s))
    files: tuple[OutgoingFile, ...] = ()
    if progress is not None and progress.preview is not None:
        embed.set_image(url=f"attachment://{progress.preview.filename}")
        files = (progress.preview,)
    return Rendering(content="", embed=_footer(embed, job, "waiting for its server"), files=files)


def render_done(
    job: JobView,
    files: Sequence[OutgoingFile],
    view: discord.ui.View | None,
    *,
    duration_s: float | None,
    shrunk: bool = False,
    notes: Sequence[str] = (),
    made: Sequence[ArtifactView] = (),
) -> Rendering:
    embed = discord.Embed(title=f"Your {_what(job)} is ready", description=describe_request(job))
    embed.colour = DONE_COLOUR
    for name, value in parameter_fields(job, made):
        embed.add_field(name=name, value=value)
    image = next((f for f in files if f.filename.rsplit(".", 1)[-1] in ("png", "webp", "jpg", "jpeg")), None)
    if image is not None:
        embed.set_image(url=f"attachment://{image.filename}")
    extra = f"took {format_duration(duration_s)}" if duration_s is not None else ""
    if notes:  # what was done, in words (a video re-encoded at a lower bitrate or resolution)
        extra += (" · " if extra else "") + " · ".join(notes)
    elif shrunk:
        extra += (" · " if extra else "") + "files shrunk to fit Discord's upload limit"
    content = f"<@{job.user_id}>"
    return Rendering(
        content=content, embed=_footer(embed, job, "done", extra), files=tuple(files), view=view, final=True
    )


def render_failed(job: JobView, reason: str) -> Rendering:
    embed = discord.Embed(title=f"Your {_what(job)} could not be made", description=reason)
    embed.colour = FAILED_COLOUR
    embed.add_field(name="Request", value=describe_request(job), inline=False)
    embed.add_field(
        name="What now",
        value=f"Try again with /{spec_of(job.params).texts.command}. "
        "If it keeps failing, tell a moderator the job number below.",
        inline=False,
    )
    return Rendering(content=f"<@{job.user_id}>", embed=_footer(embed, job, "failed"), final=True)


def render_cancelled(job: JobView, by_user_id: int | None) -> Rendering:
    who = f" by <@{by_user_id}>" if by_user_id is not None else ""
    embed = discord.Embed(title=f"Cancelled{who}", description=describe_request(job))
    embed.colour = CANCELLED_COLOUR
    return Rendering(content="", embed=_footer(embed, job, "cancelled"), final=True)


def parameter_fields(job: JobView, made: Sequence[ArtifactView] = ()) -> list[tuple[str, str]]:
    """Every parameter worth showing, with the seed and workflow, as (name, value) embed fields.

    With the files made, the aspect ratio is the one made (a workflow may ignore the one asked).
    """
    shown: list[tuple[str, str]] = []
    skip = {spec_of(job.params).main_field, "seed"}
    params = job.params.model_dump(mode="json")
    shape = made_shape(params, made)
    if shape is not None:
        skip.add("aspect_ratio")
        shown += [("Aspect ratio", shape[0]), ("Size", shape[1])]
    for name, value in params.items():
        if name in skip or value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        shown.append((name.replace("_", " ").capitalize(), _clip(str(value), 200)))
    shown.append(("Seed", str(job.seed) if job.seed is not None else "random"))
    shown.append(("Workflow", job.workflow_name))
    return shown


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s"
