"""The job service: the only way in for the front-end. Submit, cancel, regenerate, look up.

A job is persisted before `submit` returns, so an acknowledged request survives anything that follows.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from comfy.workflows.bind import RANDOM_SEED_LIMIT
from comfy.workflows.binding import WorkflowKind
from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.params import ImageParams, SongParams
from comfy.workflows.template import WorkflowTemplate
from core.errors import JobNotFound, LimitReached, NotAllowed, UserFacingError
from core.jobs.admission import Admission, Ask, screened_texts
from core.jobs.dispatcher import Dispatcher
from core.jobs.policy import PolicyCache, PolicyView, Requester, check_request
from core.queue.limits import UserLoad, check_can_queue, rate_limited_message
from core.queue.token_bucket import TokenBucket
from db.enums import JobKind, JobStatus, RegeneratePermission
from db.repositories.jobs import ActiveCounts
from db.schemas import MAX_RAW_INPUT_CHARS, JobCreate
from db.snapshots import ArtifactView, JobView
from db.units.deleted_results import DeletedResults
from db.units.jobs import JobStore, QueuedEntry

log = logging.getLogger(__name__)

# Why a job can no longer be cancelled, by its final status.
_ALREADY = {
    JobStatus.SUCCEEDED: "is already finished",
    JobStatus.FAILED: "has already failed",
    JobStatus.CANCELLED: "was already cancelled",
}


@dataclass(frozen=True, slots=True)
class JobRequest:
    guild_id: int
    requester: Requester
    raw_input: str
    params: ImageParams | SongParams
    workflow: str | None = None
    parent_id: int | None = None

    @property
    def kind(self) -> JobKind:
        return JobKind.IMAGE if isinstance(self.params, ImageParams) else JobKind.SONG


@dataclass(frozen=True, slots=True)
class SubmitReceipt:
    job: JobView
    position: int
    eta_s: float | None


class JobService:
    def __init__(
        self,
        *,
        store: JobStore,
        dispatcher: Dispatcher,
        catalogue: WorkflowCatalogue,
        policies: PolicyCache,
        deletions: DeletedResults,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.deletions = deletions
        self.dispatcher = dispatcher
        self.catalogue = catalogue
        self.policies = policies
        self._clock = clock
        self._buckets: dict[int, TokenBucket] = {}
        self.admission = Admission(
            policies=policies,
            store=store,
            template_for=self.template_for,
            buckets=self._buckets,
            clock=clock,
        )

    # -- new jobs ----------------------------------------------------------------------------------

    async def submit(self, request: JobRequest) -> SubmitReceipt:
        policy = await self.policies.get(request.guild_id)
        check_request(policy, request.requester, screened_texts(request.params))
        template = self._template_for(request, policy)
        seed = (
            request.params.seed if request.params.seed is not None else secrets.randbelow(RANDOM_SEED_LIMIT)
        )
        data = JobCreate(
            guild_id=request.guild_id,
            channel_id=request.requester.channel_id,
            user_id=request.requester.user_id,
            kind=request.kind,
            # As typed, but storable: PostgreSQL text holds no NUL (a prompt may carry one) and has a limit.
            raw_input=request.raw_input.replace("\x00", "")[:MAX_RAW_INPUT_CHARS],
            params=request.params.model_dump(mode="json", exclude={"seed"}),
            workflow_name=template.name,
            workflow_version=template.version,
            seed=seed,
            parent_id=request.parent_id,
        )

        def within_limits(counts: ActiveCounts) -> None:
            check_can_queue(policy.limits, UserLoad(queued=counts.queued, running=counts.running))
            self._take_rate_token(policy)

        job = await self.store.create(data, admit=within_limits)
        self.dispatcher.enqueue(QueuedEntry(job.id, job.guild_id, job.user_id, job.workflow_name))
        position = self.dispatcher.position(job.id) or 0
        eta = self.dispatcher.eta.eta_s(job.kind, position, self.dispatcher.backend_count)
        log.info(
            "job_id=%s guild_id=%s queued at position %d (%s)", job.id, job.guild_id, position, template.name
        )
        return SubmitReceipt(job, position, eta)

    def _template_for(self, request: JobRequest, policy: PolicyView) -> WorkflowTemplate:
        kind = WorkflowKind.IMAGE if request.kind is JobKind.IMAGE else WorkflowKind.SONG
        return self.template_for(kind, request.workflow, policy)

    def template_for(self, kind: WorkflowKind, workflow: str | None, policy: PolicyView) -> WorkflowTemplate:
        """The workflow asked for (or the guild's or catalogue's default), if it exists and can run."""
        configured = (
            policy.default_image_workflow if kind is WorkflowKind.IMAGE else policy.default_song_workflow
        )
        name = workflow or configured
        if name is None:
            template = self.catalogue.default(kind)
        else:
            if name not in self.catalogue.names(kind):
                choices = ", ".join(self.catalogue.names(kind)) or "none"
                raise UserFacingError(f"There is no {kind} workflow called “{name}”. Available: {choices}.")
            template = self.catalogue.get(name)
        if self.dispatcher.capabilities.known_incapable(template.name):
            raise UserFacingError(
                f"No connected ComfyUI server can run the “{template.name}” workflow (a node or model is "
                "missing). An admin can run `python -m bot check` to see what."
            )
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
            raise LimitReached(rate_limited_message(wait), retry_after_s=wait)

    async def regenerate(
        self, job_id: int, *, guild_id: int, requester: Requester, variations: bool = False
    ) -> SubmitReceipt:
        """The same parameters with a new seed, as the requester's own job (under their limits)."""
        return await self.submit(
            await self.regeneration(job_id, guild_id=guild_id, requester=requester, variations=variations)
        )

    async def regeneration(
        self, job_id: int, *, guild_id: int, requester: Requester, variations: bool = False
    ) -> JobRequest:
        """The request `regenerate` submits, if this member may regenerate that job here."""
        original = await self.get(job_id, guild_id=guild_id, viewer=requester)
        policy = await self.policies.get(guild_id)
        if (
            policy.regenerate_permission is RegeneratePermission.REQUESTER
            and requester.user_id != original.user_id
            and not requester.is_manager
        ):
            raise NotAllowed("On this server only the person who asked can regenerate their results.")
        document = dict(original.params) | {"seed": None}
        if variations:
            document["count"] = 4
        params: ImageParams | SongParams
        if original.kind is JobKind.IMAGE:
            params = ImageParams.model_validate(document)
        else:
            params = SongParams.model_validate(document)
        return JobRequest(
            guild_id=guild_id,
            requester=requester,
            raw_input=original.raw_input,
            params=params,
            workflow=original.workflow_name,
            parent_id=original.id,
        )

    async def precheck(self, request: JobRequest) -> None:
        """The refusal `submit` would give this request now, without making a job (see admission)."""
        kind = WorkflowKind.IMAGE if request.kind is JobKind.IMAGE else WorkflowKind.SONG
        ask = Ask(request.guild_id, request.requester, kind, request.workflow, request.params)
        await self.admission.check(ask)

    # -- existing jobs -----------------------------------------------------------------------------

    async def get(self, job_id: int, *, guild_id: int, viewer: Requester | None = None) -> JobView:
        """The job, in this guild only; a deleted result is not found by a `viewer` who is not a manager."""
        job = await self.store.get(job_id, guild_id=guild_id)
        if job is None or not _visible(job, viewer):
            raise JobNotFound(job_id)
        return job

    async def get_with_artifacts(
        self, job_id: int, *, guild_id: int, viewer: Requester | None = None
    ) -> tuple[JobView, tuple[ArtifactView, ...]]:
        found = await self.store.get_with_artifacts(job_id, guild_id=guild_id)
        if found is None or not _visible(found[0], viewer):
            raise JobNotFound(job_id)
        return found

    async def cancel(self, job_id: int, *, guild_id: int, requester: Requester) -> JobView:
        job = await self.get(job_id, guild_id=guild_id)
        if job.user_id != requester.user_id and not requester.is_manager:
            raise NotAllowed("Only the person who asked, or a moderator, can cancel this job.")
        if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            raise UserFacingError(f"Job #{job.id} {_ALREADY[job.status]}; there is nothing to cancel.")
        if not await self.dispatcher.cancel(job.id, by_user_id=requester.user_id):
            raise UserFacingError(f"Job #{job.id} finished before I could cancel it.")
        log.info("job_id=%s guild_id=%s cancel requested by %s", job.id, guild_id, requester.user_id)
        return job

    async def delete_result(self, job_id: int, *, guild_id: int, requester: Requester) -> JobView:
        """The requester, or a member who may manage messages (`is_manager`), may delete a result.

        From then on only managers see it (/history, /show, /rerun); its files leave DATA_DIR after the
        grace period (see DeletedFilesSweep). The caller removes the Discord message.
        """
        job = await self.get(job_id, guild_id=guild_id)
        if job.user_id != requester.user_id and not requester.is_manager:
            raise NotAllowed("Only the person who asked, or a moderator, can delete this result.")
        await self.deletions.mark(job.id, by_user_id=requester.user_id)
        return job

    async def record_messages(
        self, job_id: int, *, response_message_id: int | None = None, channel_message_id: int | None = None
    ) -> None:
        """Remember which Discord messages show the job, so a restart can continue editing them."""
        await self.store.record_messages(
            job_id, response_message_id=response_message_id, channel_message_id=channel_message_id
        )

    async def record_upload(self, artifact_id: int, *, message_id: int, attachment_url: str) -> None:
        await self.store.record_upload(artifact_id, message_id, attachment_url)

    def position(self, job_id: int) -> int | None:
        return self.dispatcher.position(job_id)


def _visible(job: JobView, viewer: Requester | None) -> bool:
    return job.deleted_at is None or viewer is None or viewer.is_manager
