"""What a job's message says in each state: queued, running, done, failed, cancelled.

Each state is a `Rendering` (bot/ui/rendering.py), drawn as one components V2 container
(bot/ui/job_layout.py); its footer line reads "Job #<id> · <state>", so people (and tests) can tell the
state at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.locales import Catalogue, Words
from bot.ui.job_layout import MAX_TEXT, Control, clip
from bot.ui.made import made_shape
from bot.ui.progress import progress_line
from bot.ui.rendering import OutgoingFile, Rendering
from bot.ui.setbacks import setback_line
from core.jobs.derived import MadeFrom
from core.jobs.snapshots import ArtifactView, JobView
from core.jobs.updates import JobSetback, Setback, Stage
from core.kinds import spec_of

__all__ = ["OutgoingFile", "ProgressState", "Rendering"]

QUEUED_COLOUR = discord.Colour.light_grey()
RUNNING_COLOUR = discord.Colour.blurple()
SETBACK_COLOUR = discord.Colour.orange()
DONE_COLOUR = discord.Colour.green()
FAILED_COLOUR = discord.Colour.red()
CANCELLED_COLOUR = discord.Colour.dark_grey()
WITHHELD_COLOUR = discord.Colour.dark_orange()
_PROMPT_PREVIEW_CHARS = 300
# A result shows the whole prompt when it fits beside the parameters and the footer (4,000 characters in
# all); the footer and line breaks need far less than this.
_FOOTER_ROOM = 200


def _footer(job: JobView, state: str, extra: str = "") -> str:
    return f"Job #{job.id} · {state}" + (f" · {extra}" if extra else "")


def describe_request(job: JobView, limit: int = _PROMPT_PREVIEW_CHARS) -> str:
    """The request in one short paragraph: the prompt, or the song's title and style; a job made from a
    result says so first ("↪ Vary (strong) of #123")."""
    kind = spec_of(job.params)
    text = kind.summary(job.params) or f"a {kind.texts.noun}"
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    made_from = MadeFrom.read(job.seed_document)
    if made_from is not None:
        text = f"↪ {made_from.describe()}\n{text}"
    return text


def _what(job: JobView) -> str:
    return spec_of(job.params).texts.noun


def render_queued(
    job: JobView, position: int | None, eta_s: float | None, held: str | None = None
) -> Rendering:
    """`held`: why it will not start yet whatever its place, in the member's words (the disk is full)."""
    lines = [f"### Queued: your {_what(job)}", describe_request(job)]
    if held is not None:
        lines.append(f"**Status:** {held}")
    if position is not None:
        lines.append(
            "**Place in queue:** " + ("you are next" if position == 0 else f"{position} ahead of you")
        )
    if eta_s is not None:
        lines.append(f"**Estimated wait:** {format_duration(eta_s)}")
    return Rendering("\n".join(lines), _footer(job, "queued"), QUEUED_COLOUR)


@dataclass(frozen=True, slots=True)
class ProgressState:
    step: int | None = None
    steps: int | None = None
    elapsed_s: float = 0.0
    preview: OutgoingFile | None = None
    fraction: float = 0.0  # of the whole graph
    stage: Stage = Stage.STARTING


def render_running(job: JobView, progress: ProgressState) -> Rendering:
    line = progress_line(progress.fraction, progress.stage, progress.step, progress.steps)
    body = "\n".join(
        [
            f"### Making your {_what(job)}…",
            describe_request(job),
            f"**Progress:** {line}",
            f"**Elapsed:** {format_duration(progress.elapsed_s)}",
        ]
    )
    return _with_preview(job, body, _footer(job, "running"), RUNNING_COLOUR, progress)


def render_setback(
    job: JobView, update: JobSetback, progress: ProgressState | None, words: Words | None = None
) -> Rendering:
    """The running message while its server is away (or its result waits for room on the bot's disk): what
    happened and what comes next, not a frozen bar."""
    body = "\n".join(
        [
            f"### Making your {_what(job)}…",
            describe_request(job),
            f"**Status:** {setback_line(update, words)}",
            f"**Elapsed:** {format_duration(update.elapsed_s)}",
        ]
    )
    state = "waiting for its server"
    if update.setback is Setback.DISK_FULL:
        state = (words or Words(Catalogue.shipped()))("footer.saving")
    return _with_preview(job, body, _footer(job, state), SETBACK_COLOUR, progress)


def _with_preview(
    job: JobView, body: str, footer: str, colour: discord.Colour, progress: ProgressState | None
) -> Rendering:
    """The latest preview, if any, as the Thumbnail beside the text (a Section's accessory)."""
    if progress is None or progress.preview is None:
        return Rendering(body, footer, colour)
    return Rendering(
        body, footer, colour, files=(progress.preview,), preview=True, alt_text=describe_request(job)
    )


def render_done(
    job: JobView,
    files: Sequence[OutgoingFile],
    controls: Sequence[Control],
    *,
    duration_s: float | None,
    shrunk: bool = False,
    notes: Sequence[str] = (),
    made: Sequence[ArtifactView] = (),
    spoiler: bool = False,
) -> Rendering:
    """Every file of the job (images in one gallery, songs and videos as playable files), the prompt, the
    parameters worth showing, and the result's buttons."""
    details = "\n".join(f"**{name}:** {value}" for name, value in parameter_fields(job, made))
    title = f"### Your {_what(job)} is ready"
    asked_by = f"Asked by <@{job.user_id}>"
    room = MAX_TEXT - _FOOTER_ROOM - len(title) - len(asked_by) - len(details)
    request = describe_request(job, limit=max(_PROMPT_PREVIEW_CHARS, room))
    extra = f"took {format_duration(duration_s)}" if duration_s is not None else ""
    if notes:  # what was done, in words (a video re-encoded at a lower bitrate or resolution)
        extra += (" · " if extra else "") + " · ".join(notes)
    elif shrunk:
        extra += (" · " if extra else "") + "files shrunk to fit Discord's upload limit"
    return Rendering(
        f"{title}\n{request}\n{asked_by}\n\n{details}",
        _footer(job, "done", extra),
        DONE_COLOUR,
        files=tuple(files),
        controls=tuple(controls),
        alt_text=describe_request(job),
        final=True,
        spoiler=spoiler,
    )


def render_withheld(job: JobView) -> Rendering:
    """A result the guild's content settings hold back: the channel sees that it was, never the files."""
    body = "\n".join(
        [
            f"### This {_what(job)} is held back",
            "This server's content settings hold back results my image checker flags in this channel.",
            f"<@{job.user_id}> has been told privately; moderators can look at it with `/history`.",
        ]
    )
    return Rendering(body, _footer(job, "withheld"), WITHHELD_COLOUR, final=True)


def render_failed(job: JobView, reason: str) -> Rendering:
    command = spec_of(job.params).texts.command
    body = "\n".join(
        [
            f"### Your {_what(job)} could not be made",
            reason,
            f"**Request:** {describe_request(job)}",
            f"**What now:** Try again with /{command}. "
            "If it keeps failing, tell a moderator the job number below.",
        ]
    )
    return Rendering(body, _footer(job, "failed"), FAILED_COLOUR, final=True)


def render_cancelled(job: JobView, by_user_id: int | None) -> Rendering:
    who = f" by <@{by_user_id}>" if by_user_id is not None else ""
    body = f"### Cancelled{who}\n{describe_request(job)}"
    return Rendering(body, _footer(job, "cancelled"), CANCELLED_COLOUR, final=True)


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
        shown.append((name.replace("_", " ").capitalize(), clip(str(value), 200)))
    shown.append(("Seed", str(job.seed) if job.seed is not None else "random"))
    shown.append(("Workflow", job.workflow_name))
    return shown


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s"
