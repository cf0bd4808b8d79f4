"""What the front-end asks the job service for, what it gets back, and what a job is stored as."""

from __future__ import annotations

from dataclasses import dataclass

from comfy.workflows.bind import BoundWorkflow
from comfy.workflows.models import model_needs
from comfy.workflows.template import WorkflowTemplate
from core.jobs.derived import MadeFrom, with_made_from
from core.jobs.given_input import GivenInput, source_job_of
from core.jobs.policy import Requester
from core.jobs.shown_on import ShownOn
from core.jobs.updates import Hold
from core.kinds import JobKind, KindParams
from core.texts import Text
from db.schemas import MAX_RAW_INPUT_CHARS, JobCreate
from db.snapshots import JobView


@dataclass(frozen=True, slots=True)
class JobRequest:
    guild_id: int
    requester: Requester
    raw_input: str
    # Any registered kind's parameters; the kind is the one whose model they are.
    params: KindParams
    workflow: str | None = None
    parent_id: int | None = None
    # Media the request brings (a picture for image-to-image, a song to cover); inspected by `submit`.
    inputs: tuple[GivenInput, ...] = ()
    # The result it is made from (Vary, Remix, Edit, Upscale, Cover, a reply), kept in the seed document.
    made_from: MadeFrom | None = None
    # Answered privately (core.jobs.privacy): its reply is ephemeral, and /history shows it to its
    # requester and managers only.
    private: bool = False
    # The message that shows the job from the start, and the token that edits it (kept with the job).
    shown_on: ShownOn | None = None
    # How what the member typed was read, said to them privately (Midjourney settings ignored...).
    notes: tuple[Text, ...] = ()
    # What was pressed on the parent's result to make it ("strong:0", "reroll"): the same member's same
    # press makes no second job while this one lives (core.jobs.presses). None: not a press.
    press: str | None = None


@dataclass(frozen=True, slots=True)
class SubmitReceipt:
    job: JobView
    position: int
    eta_s: float | None
    held: Hold | None = None  # why it will not start yet whatever its place (the bot's disk is full)


def job_record(
    request: JobRequest, kind: JobKind, template: WorkflowTemplate, params: KindParams, bound: BoundWorkflow
) -> JobCreate:
    """The job's row: the request with its seed drawn (in ``params``) and its workflow bound."""
    shown = request.shown_on
    return JobCreate(
        guild_id=request.guild_id,
        channel_id=request.requester.channel_id,
        parent_channel_id=request.requester.parent_channel_id,
        in_private_thread=request.requester.in_private_thread,
        channel_nsfw=request.requester.channel_is_nsfw,
        user_id=request.requester.user_id,
        kind=kind,
        # As typed, but storable: PostgreSQL text holds no NUL (a prompt may carry one) and has a limit.
        raw_input=request.raw_input.replace("\x00", "")[:MAX_RAW_INPUT_CHARS],
        params=params.model_dump(mode="json"),
        workflow_name=template.name,
        workflow_version=template.version,
        seed=params.seed,
        posted_graph=bound.graph,
        seed_document=with_made_from(bound.metadata, request.made_from),
        parent_id=request.parent_id or source_job_of(request.inputs),
        press=request.press if request.parent_id is not None else None,
        model_needs=sorted(model_needs(bound.graph)),
        private=request.private,
        response_message_id=shown.message_id if shown else None,
        interaction_token=shown.token if shown else None,
        interaction_token_expires_at=shown.token_expires_at if shown else None,
        upload_limit=shown.upload_limit if shown else None,
        locale=request.requester.locale,
    )
