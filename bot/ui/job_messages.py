"""What a job's message says in each state: queued, running, done, failed, cancelled.

Each state is a `Rendering` (bot/ui/rendering.py), drawn as one components V2 container
(bot/ui/job_layout.py); its footer line reads "Job #<id> · <state>", so people (and tests) can tell the
state at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.locales import Words
from bot.ui.job_layout import MAX_TEXT, Control, clip
from bot.ui.made import made_shape
from bot.ui.progress import progress_line
from bot.ui.rendering import OutgoingFile, Rendering
from bot.ui.setbacks import setback_line
from bot.ui.wording import action_label, duration, kind_noun, made_from_text, parameter_name, parameter_value
from core.jobs.derived import MadeFrom
from core.jobs.snapshots import ArtifactView, JobView
from core.jobs.updates import JobSetback, Setback, Stage
from core.kinds import spec_of
from core.texts import Text
from core.workflows.library import workflow_title

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


def _footer(words: Words, job: JobView, state: str, extra: str = "") -> str:
    """`state`: a state's catalogue key ("job.state.done"), or its last word ("done")."""
    footer = words("job.footer", job_id=job.id, state=words(state if "." in state else f"job.state.{state}"))
    return footer + (f" · {extra}" if extra else "")


def describe_request(
    words: Words, job: JobView, limit: int = _PROMPT_PREVIEW_CHARS, *, linked: bool = False
) -> str:
    """The request in one short paragraph: the prompt, or the song's title and style; a job made from a
    result says so first ("↪ Vary (strong) of #123"). `linked`: "#123" links to the source's message, for
    the message's own text; an alt text or a direct message's caption is plain."""
    kind = spec_of(job.params)
    text = words.say(kind.summary(job.params)) or words("job.a_kind", noun=kind_noun(words, kind))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _source_line(words, job, linked=linked) + text


def _source_line(words: Words, job: JobView, *, linked: bool) -> str:
    """ "↪ Vary (strong) of #123" and a line break, for a job made from a result; else nothing."""
    made_from = MadeFrom.read(job.seed_document)
    if made_from is None:
        return ""
    zoom = getattr(job.params, "zoom", None)
    return f"↪ {made_from_text(words, made_from, linked=linked, zoom=zoom)}\n"


def _request_line(words: Words, job: JobView, limit: int = _PROMPT_PREVIEW_CHARS) -> str:
    """The request as a job message's text shows it, its source linked."""
    return describe_request(words, job, limit, linked=True)


def _what(words: Words, job: JobView) -> str:
    return kind_noun(words, spec_of(job.params))


def render_queued(
    words: Words,
    job: JobView,
    position: int | None,
    eta_s: float | None,
    held: str | None = None,
    *,
    on_server: bool = False,
) -> Rendering:
    """`held`: why it will not start yet whatever its place, in the member's words (the disk is full).
    `on_server`: its prompt waits in its server's own queue, `position` of ours before it there."""
    lines = [words("job.queued.title", noun=_what(words, job)), _request_line(words, job)]
    if held is not None:
        lines.append(words("job.setback.status", line=held))
    if position is not None:
        lines.append(words("job.queued.place", place=_place(words, position, on_server=on_server)))
    if eta_s is not None and held is None:  # held back, it starts when that ends: nobody knows when
        lines.append(words("job.queued.wait", duration=duration(words, eta_s, rough=True)))
    return Rendering("\n".join(lines), _footer(words, job, "queued"), QUEUED_COLOUR)


def _place(words: Words, position: int, *, on_server: bool) -> str:
    if on_server:
        if position == 0:
            return words("job.queued.server_next")
        return words("job.queued.server_ahead", count=position)
    return words("job.queued.next") if position == 0 else words("job.queued.ahead", count=position)


@dataclass(frozen=True, slots=True)
class ProgressState:
    step: int | None = None
    steps: int | None = None
    elapsed_s: float = 0.0
    preview: OutgoingFile | None = None
    fraction: float = 0.0  # of the whole graph
    stage: Stage = Stage.STARTING


def render_running(words: Words, job: JobView, progress: ProgressState) -> Rendering:
    line = progress_line(words, progress.fraction, progress.stage, progress.step, progress.steps)
    body = "\n".join(
        [
            words("job.running.title", noun=_what(words, job)),
            _request_line(words, job),
            words("job.running.progress", line=line),
            words("job.elapsed", duration=duration(words, progress.elapsed_s)),
        ]
    )
    return _with_preview(words, job, body, _footer(words, job, "running"), RUNNING_COLOUR, progress)


def render_setback(
    words: Words, job: JobView, update: JobSetback, progress: ProgressState | None
) -> Rendering:
    """The running message while its server is away (or its result waits for room on the bot's disk): what
    happened and what comes next, not a frozen bar. A job its server had not begun (its prompt waited
    there; no time has run, `elapsed_s` 0) is still queued, not in the making."""
    begun = update.elapsed_s > 0
    lines = [
        words("job.running.title" if begun else "job.queued.title", noun=_what(words, job)),
        _request_line(words, job),
        words("job.setback.status", line=setback_line(words, update)),
    ]
    if begun:
        lines.append(words("job.elapsed", duration=duration(words, update.elapsed_s)))
    body = "\n".join(lines)
    state = "footer.saving" if update.setback is Setback.DISK_FULL else "job.state.waiting"
    return _with_preview(words, job, body, _footer(words, job, state), SETBACK_COLOUR, progress)


def _with_preview(
    words: Words,
    job: JobView,
    body: str,
    footer: str,
    colour: discord.Colour,
    progress: ProgressState | None,
) -> Rendering:
    """The latest preview, if any, as the Thumbnail beside the text (a Section's accessory)."""
    if progress is None or progress.preview is None:
        return Rendering(body, footer, colour)
    alt_text = describe_request(words, job)
    return Rendering(body, footer, colour, files=(progress.preview,), preview=True, alt_text=alt_text)


def render_done(
    words: Words,
    job: JobView,
    files: Sequence[OutgoingFile],
    controls: Sequence[Control],
    *,
    duration_s: float | None,
    shrunk: bool = False,
    notes: Sequence[Text] = (),
    made: Sequence[ArtifactView] = (),
    spoiler: bool = False,
) -> Rendering:
    """Every file of the job (images in one gallery, songs and videos as playable files), the prompt, the
    parameters worth showing, and the result's buttons."""
    details = "\n".join(
        words("job.field", name=name, value=value) for name, value in parameter_fields(words, job, made)
    )
    title = words("job.done.title", noun=_what(words, job))
    asked_by = words("job.done.asked_by", user_id=job.user_id)
    # The source's line (its link alone is some 80 characters) comes out of the prompt's room.
    source = _source_line(words, job, linked=True)
    room = MAX_TEXT - _FOOTER_ROOM - len(title) - len(asked_by) - len(details) - len(source)
    request = _request_line(words, job, limit=max(_PROMPT_PREVIEW_CHARS, room))
    extra = words("job.done.took", duration=duration(words, duration_s)) if duration_s is not None else ""
    if notes:  # what was done, in words (a video re-encoded at a lower bitrate or resolution)
        extra += (" · " if extra else "") + " · ".join(words.say(note) for note in notes)
    elif shrunk:
        extra += (" · " if extra else "") + words("job.done.shrunk")
    return Rendering(
        f"{title}\n{request}\n{asked_by}\n\n{details}",
        _footer(words, job, "done", extra),
        DONE_COLOUR,
        files=tuple(files),
        controls=tuple(controls),
        alt_text=describe_request(words, job),
        final=True,
        spoiler=spoiler,
    )


def render_withheld(words: Words, job: JobView, *, told: bool = True) -> Rendering:
    """A result the guild's content settings hold back: the channel sees that it was, never the files, and
    whether its requester was told privately (neither an ephemeral reply nor a direct message may reach
    them)."""
    where = "job.withheld.told" if told else "job.withheld.for_moderators"
    body = "\n".join(
        [
            words("job.withheld.title", noun=_what(words, job)),
            words("job.withheld.here"),
            words(where, user_id=job.user_id, history=words.command("history")),
        ]
    )
    return Rendering(body, _footer(words, job, "withheld"), WITHHELD_COLOUR, final=True)


def render_failed(words: Words, job: JobView, reason: str) -> Rendering:
    body = "\n".join(
        [
            words("job.failed.title", noun=_what(words, job)),
            reason,
            words("job.failed.request", request=_request_line(words, job)),
            _what_now(words, job),
        ]
    )
    return Rendering(body, _footer(words, job, "failed"), FAILED_COLOUR, final=True)


def _what_now(words: Words, job: JobView) -> str:
    """How to try again as it was asked: a job made from a result (a Vary, a Zoom, an edit by reply) again
    on that result, which its own command could not redo."""
    made_from = MadeFrom.read(job.seed_document)
    if made_from is not None:
        return words("job.failed.what_now_again", action=action_label(words, made_from.action))
    return words("job.failed.what_now", command=words.command(spec_of(job.params).texts.command))


def render_cancelling(words: Words, job: JobView) -> Rendering:
    """Asked to stop, its server has yet to confirm (or is away): no bar, no wait, nothing that goes on."""
    body = f"{words('job.cancelling.title', noun=_what(words, job))}\n{_request_line(words, job)}"
    return Rendering(body, _footer(words, job, "cancelling"), CANCELLED_COLOUR)


def render_cancelled(words: Words, job: JobView, by_user_id: int | None) -> Rendering:
    title = (
        words("job.cancelled.by", user_id=by_user_id)
        if by_user_id is not None
        else words("job.cancelled.title")
    )
    body = f"{title}\n{_request_line(words, job)}"
    return Rendering(body, _footer(words, job, "cancelled"), CANCELLED_COLOUR, final=True)


def parameter_fields(words: Words, job: JobView, made: Sequence[ArtifactView] = ()) -> list[tuple[str, str]]:
    """Every parameter worth showing, with the seed and workflow, as (name, value) embed fields.

    With the files made, the aspect ratio is the one made (a workflow may ignore the one asked).
    """
    shown: list[tuple[str, str]] = []
    spec = spec_of(job.params)
    skip = {spec.main_field, "seed"}
    params = job.params.model_dump(mode="json")
    bound = job.seed_document or {}
    for name in spec.bound_fields:  # what the workflow was given, asked for or not (None: it took none)
        if name in bound:
            params[name] = bound[name]
    shape = made_shape(params, made)
    if shape is not None:
        skip.add("aspect_ratio")
        made_ratio, size, asked = shape
        ratio = made_ratio if asked is None else words("job.one_size", made=made_ratio, asked=asked)
        shown += [(words("params.aspect_ratio"), ratio), (words("params.size"), size)]
    for name, value in params.items():
        if name in skip or value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        shown.append((parameter_name(words, name), clip(parameter_value(words, name, value), 200)))
    seed = str(job.seed) if job.seed is not None else words("params.random")
    shown.append((words("params.seed"), seed))
    shown.append((words("params.workflow"), workflow_title(job.workflow_name)))
    return shown
