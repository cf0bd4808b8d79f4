"""The job service: the only way in for the front-end. Submit, cancel, regenerate, look up.

A job is persisted before `submit` returns, so an acknowledged request survives anything that follows.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Collection, Sequence

from background.log_context import log_context
from comfy.workflows.bind import RANDOM_SEED_LIMIT
from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.input_slots import marked_roles
from comfy.workflows.template import WorkflowTemplate, workflow_title
from core.errors import JobNotFound, LimitReached, NotAllowed, UserFacingError
from core.jobs.admission import Admission, Ask, screened_texts
from core.jobs.dispatcher import Dispatcher
from core.jobs.given_input import given_roles
from core.jobs.input_intake import InputIntake, InspectedInput
from core.jobs.input_roles import check_roles
from core.jobs.kind_switch import KindSwitch
from core.jobs.model_options import ModelOptions
from core.jobs.policy import PolicyCache, PolicyView, Requester, check_request
from core.jobs.presses import made_once, refuse_same_press
from core.jobs.requests import JobRequest as JobRequest  # the front-end imports these from here
from core.jobs.requests import SubmitReceipt as SubmitReceipt
from core.jobs.requests import job_record
from core.jobs.scopes import is_personal
from core.jobs.visibility import not_visible, visible_to
from core.kinds import JobKind, KindParams, KindRegistry
from core.moderation import ModerationLog, NullModerationLog
from core.moderation.refusals import record_refusal
from core.queue.limits import UserLoad, check_can_queue, rate_limited_message
from core.queue.token_bucket import TokenBucket
from core.safety.inputs import InputScreen
from core.texts import Text
from db.enums import JobStatus
from db.repositories.jobs import ActiveCounts
from db.snapshots import ArtifactView, JobView, QueuedJob
from db.units.deleted_results import DeletedResults
from db.units.jobs import JobStore

log = logging.getLogger(__name__)

# Why a job can no longer be cancelled, by its final status.
_ALREADY = {
    JobStatus.SUCCEEDED: "is already finished",
    JobStatus.FAILED: "has already failed",
    JobStatus.CANCELLED: "was already cancelled",
}


class JobService:
    def __init__(
        self,
        *,
        store: JobStore,
        dispatcher: Dispatcher,
        catalogue: WorkflowCatalogue,
        policies: PolicyCache,
        deletions: DeletedResults,
        kinds: KindRegistry,
        intake: InputIntake,
        enabled_kinds: Collection[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        moderation: ModerationLog | None = None,
        input_screen: InputScreen | None = None,  # the content-safety classifier on pictures given
    ) -> None:
        self.store = store
        # Refusals by the guild's rules are logged for its managers (here and in admission).
        self.moderation = moderation or NullModerationLog()
        self.input_screen = input_screen or InputScreen()
        self.intake = intake
        self.deletions = deletions
        self.kinds = kinds
        # Kinds off by ENABLED_KINDS, or that no backend can run, are refused before anything is queued.
        self.switch = KindSwitch(kinds, catalogue, dispatcher.capabilities, enabled_kinds)
        self.models = ModelOptions(dispatcher.capabilities, catalogue, policies, self.template_for)
        self.dispatcher = dispatcher
        self.catalogue = catalogue
        self.policies = policies
        self._clock = clock
        self._buckets: dict[int, TokenBucket] = {}
        self.admission = Admission(
            policies=policies,
            queued_for=dispatcher.queued_for,
            template_for=self.template_for,
            buckets=self._buckets,
            clock=clock,
            moderation=self.moderation,
        )

    # -- new jobs ----------------------------------------------------------------------------------

    async def submit(self, request: JobRequest) -> SubmitReceipt:
        """Refuse (UserFacingError, nothing stored) or queue the request as a job with its inputs kept.

        A refusal by one of the guild's rules (NotAllowed naming its rule: channel, roles, words, models,
        a flagged input...) is logged for the guild's managers."""
        try:
            return await self._submit(request)
        except NotAllowed as refusal:
            texts = screened_texts(request.params)
            who = request.requester.user_id
            await record_refusal(
                self.moderation, refusal, guild_id=request.guild_id, user_id=who, texts=texts
            )
            raise

    async def _submit(self, request: JobRequest) -> SubmitReceipt:
        policy = await self.policies.get(request.guild_id)
        kind = self.kinds.of(request.params).kind
        check_request(policy, request.requester, screened_texts(request.params))
        template = self.template_for(kind, request.workflow, policy)
        # Its model and LoRAs named as a server offers them ("ink" → "sdxl/ink.safetensors") from here on.
        params = self.models.check(template, request.params, policy)
        # The one place a seed is drawn; the job keeps it inside its parameters from here on.
        if params.seed is None:
            params = params.model_copy(update={"seed": secrets.randbelow(RANDOM_SEED_LIMIT)})
        roles = given_roles(request.inputs)
        bound = self.kinds.bind(template, params, inputs=roles)
        check_roles(roles, marked_roles(bound.graph), workflow=template.title)

        def within_limits(counts: ActiveCounts) -> None:
            check_can_queue(policy.limits, UserLoad(queued=counts.queued, running=counts.running))
            self._take_rate_token(policy)

        keeper = await self.input_screen.admitted(
            self.intake, request.inputs, policy, request.requester, request.raw_input
        )
        try:
            # Bound again in the shape of the picture it brings, now that the picture is known to be one.
            fitted = self._fitted(params, keeper.inputs)
            if fitted is not params:
                params, bound = fitted, self.kinds.bind(template, fitted, inputs=roles)
            data = job_record(request, kind, template, params, bound)
            records = keeper.records if request.inputs else None
            job = await made_once(self.store, data, admit=within_limits, inputs=records)
        except asyncio.CancelledError:
            # The transaction ran to its end all the same (unbroken), maybe creating the job: its files
            # stay, since a job without its file is worse than a file without its job.
            raise
        except BaseException:
            await keeper.discard()
            raise
        self.dispatcher.enqueue(QueuedJob.of(job))
        told = self.dispatcher.place_and_wait(job.id)
        position, eta = told.position, told.eta_s
        with log_context(job_id=job.id, guild_id=job.guild_id, user_id=job.user_id):
            log.info("queued at position %d (%s)", position, template.name)
        return SubmitReceipt(job, position, eta, told.held)

    def _fitted(self, params: KindParams, inputs: Sequence[InspectedInput]) -> KindParams:
        picture = next((item.facts for item in inputs if item.given.role == "image"), None)
        if picture is None or not picture.width or not picture.height:
            return params
        return self.kinds.fit_to_picture(params, picture.width, picture.height)

    def template_for(
        self, kind: JobKind, workflow: str | None, policy: PolicyView, params: KindParams | None = None
    ) -> WorkflowTemplate:
        """The workflow asked for (or the guild's or catalogue's default), if it exists and can run, with
        the model and LoRAs that `params` chose, if this guild allows them and a backend offers them."""
        self.switch.check(kind)
        noun = self.kinds.get(kind).texts.noun
        name = workflow or policy.default_workflow(kind)
        found = None if name is None else self.catalogue.resolve(name, scope=policy.guild_id, kind=kind)
        if found is None and workflow is not None:
            title = workflow_title(workflow)
            choices = ", ".join(self.catalogue.names(kind, scope=policy.guild_id)) or "none"
            raise UserFacingError(
                Text(
                    "refusal.no_workflow",
                    f"There is no {noun} workflow called “{title}”. Available: {choices}.",
                    {"noun": Text(f"kinds.{kind}.noun", noun), "name": title, "choices": choices},
                )
            )
        # None asked for, and no default chosen or the server's is gone (removed, its file deleted): members
        # keep the built-in one rather than every plain request being refused.
        template = self.switch.default_template(kind) if found is None else self.catalogue.get(found)
        if self.dispatcher.capabilities.known_incapable(template.name):
            raise UserFacingError(
                Text(
                    "refusal.workflow_incapable",
                    f"No connected ComfyUI server can run the “{template.title}” workflow (a node or model "
                    "is missing). An admin can run `python -m bot check` to see what.",
                    {"workflow": template.title},
                )
            )
        if params is not None:
            self.models.check(template, params, policy)
        return template

    def _take_rate_token(self, policy: PolicyView) -> None:
        bucket = self._buckets.get(policy.guild_id)
        if bucket is None or (bucket.capacity, bucket.per_minute) != (
            policy.limits.rate_capacity,
            policy.limits.rate_per_minute,
        ):
            bucket = TokenBucket(
                policy.limits.rate_capacity, policy.limits.rate_per_minute, updated_at=self._clock()
            )
            self._buckets[policy.guild_id] = bucket
        now = self._clock()
        if not bucket.try_take(now):
            wait = bucket.seconds_until_token(now)
            raise LimitReached(rate_limited_message(wait, policy.limits.personal), retry_after_s=wait)

    async def precheck(self, request: JobRequest, *, count: int = 1) -> None:
        """The refusal `submit` would give this request now, without making a job (see admission);
        `count`: the jobs asked for at once (a permutation prompt's), each taking a place in the queue."""
        kind = self.kinds.of(request.params).kind
        ask = Ask(request.guild_id, request.requester, kind, request.workflow, request.params, count)
        await self.admission.check(ask)
        await refuse_same_press(self.store, request)

    # -- existing jobs -----------------------------------------------------------------------------

    async def get(self, job_id: int, *, guild_id: int, viewer: Requester | None = None) -> JobView:
        """The job, in this guild only; a deleted result is not found by a `viewer` who is not a manager."""
        job = await self.store.get(job_id, guild_id=guild_id)
        if job is None or not visible_to(job, viewer):
            raise not_visible(job_id, guild_id, job, viewer)
        return job

    async def get_with_artifacts(
        self, job_id: int, *, guild_id: int, viewer: Requester | None = None
    ) -> tuple[JobView, tuple[ArtifactView, ...]]:
        found = await self.store.get_with_artifacts(job_id, guild_id=guild_id)
        if found is None or not visible_to(found[0], viewer):
            raise not_visible(job_id, guild_id, found[0] if found else None, viewer)
        return found

    async def cancel(self, job_id: int, *, guild_id: int, requester: Requester) -> JobView:
        job = await self.get(job_id, guild_id=guild_id)
        # Another's private job, or one made where the requester cannot read: as if no such job existed.
        if job.user_id != requester.user_id and not visible_to(job, requester):
            raise JobNotFound(job_id, personal=is_personal(guild_id))
        if job.user_id != requester.user_id and not requester.is_manager:
            raise NotAllowed(
                Text(
                    "refusal.cancel_not_yours",
                    "Only the person who asked, or a moderator, can cancel this job.",
                )
            )
        if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            raise UserFacingError(
                Text(
                    f"refusal.cancel_{job.status.value}",
                    f"Job #{job.id} {_ALREADY[job.status]}; there is nothing to cancel.",
                    {"job_id": job.id},
                )
            )
        if not await self.dispatcher.cancel(job.id, by_user_id=requester.user_id):
            raise UserFacingError(
                Text(
                    "refusal.cancel_too_late",
                    f"Job #{job.id} finished before I could cancel it.",
                    {"job_id": job.id},
                )
            )
        with log_context(job_id=job.id, guild_id=guild_id, user_id=job.user_id):
            log.info("cancel requested by %s", requester.user_id)
        return job

    async def delete_result(self, job_id: int, *, guild_id: int, requester: Requester) -> JobView:
        """The requester, or a member who may manage messages (`is_manager`), may delete a result.

        From then on only managers see it (/history, /show, /rerun); its files leave DATA_DIR after the
        grace period (see DeletedFilesSweep). The caller removes the Discord message.
        """
        job = await self.get(job_id, guild_id=guild_id)
        if job.user_id != requester.user_id and not requester.is_manager:
            raise NotAllowed(
                Text(
                    "refusal.delete_not_yours",
                    "Only the person who asked, or a moderator, can delete this result.",
                )
            )
        await self.deletions.mark(job.id, by_user_id=requester.user_id)
        return job

    async def record_messages(
        self, job_id: int, *, response_message_id: int | None = None, channel_message_id: int | None = None
    ) -> None:
        """Remember which Discord messages show the job, so a restart can continue editing them."""
        await self.store.record_messages(
            job_id, response_message_id=response_message_id, channel_message_id=channel_message_id
        )

    async def record_uploads(self, message_id: int, uploads: Sequence[tuple[int, str]]) -> None:
        """Where the message's files were posted: (artifact id, attachment address) each."""
        await self.store.record_uploads(message_id, uploads)

    def position(self, job_id: int) -> int | None:
        return self.dispatcher.position(job_id)
