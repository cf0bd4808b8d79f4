"""Requests made from a finished result: the front-end names the job, the file and the action; this reads
the result's stored file (never a Discord attachment: the one artifact reader, inside DATA_DIR) and makes
the request the job service will check and submit.

Who may: as for 🔁 regenerate, the guild's `regenerate_permission` decides (the requester only, unless a
moderator; or anyone). Where: the result must be in the same guild; a deleted result is found by managers
only. A refusal stores nothing: nothing is made before `JobService.submit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from core.errors import NotAllowed, UserFacingError
from core.inputs.intake import InputOrigin
from core.inputs.store import InputMissing, InputStore
from core.jobs.artifact_files import ArtifactFiles
from core.jobs.derived import ACTIONS, MadeFrom, ResultAction, ResultMessage
from core.jobs.given_input import GivenInput
from core.jobs.input_staging import KeptInputs
from core.jobs.policy import Requester
from core.jobs.presses import REROLL, press_of
from core.jobs.result_offers import NotRedrawn, ResultOffers, main_text, role_of
from core.jobs.service import JobRequest, JobService, SubmitReceipt
from core.jobs.snapshots import ArtifactView, JobView
from core.kinds import JobKind, spec_of, typed_params
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.typed_text import TypedText, read_typed
from core.texts import Text
from db.enums import InputSource, JobStatus, RegeneratePermission

_ORIGINS: dict[InputSource, InputOrigin] = {
    InputSource.ATTACHMENT: "attachment",
    InputSource.RESULT: "result",
    InputSource.MESSAGE: "message",
}


@dataclass(frozen=True, slots=True)
class ResultFile:
    """One file of a finished job, read back, as the input of a new request."""

    job: JobView
    index: int
    out_of: int
    given: GivenInput


class ResultRequests:
    def __init__(
        self, service: JobService, files: ArtifactFiles, inputs: InputStore, records: KeptInputs
    ) -> None:
        self._service = service
        self._offers = ResultOffers(service)
        self._files = files
        self._inputs = inputs
        self._records = records

    # -- the same request again --------------------------------------------------------------------

    async def regenerate(
        self, job_id: int, *, guild_id: int, requester: Requester, private: bool = False
    ) -> SubmitReceipt:
        """Submit `regeneration` (🔁, Reroll, /rerun) as the requester's own job, under their limits;
        `private`: its reply is ephemeral (core.jobs.privacy)."""
        request = await self.regeneration(job_id, guild_id=guild_id, requester=requester)
        return await self._service.submit(replace(request, private=private))

    async def regeneration(
        self, job_id: int, *, guild_id: int, requester: Requester, pressed: bool = True
    ) -> JobRequest:
        """The same parameters with a new seed, from the same inputs: a Vary result rerolled is another
        Vary of the same picture, and says so. `pressed`: asked by a press (Reroll, 🔁), made once however
        often it is pressed while its job lives (core.jobs.presses); /rerun, typed, is not."""
        original = await self.source_job(job_id, guild_id=guild_id, requester=requester)
        params = typed_params(original.params)
        # What an action set once (a zoom) must still suit the workflow, which may have changed since:
        # refused here, before anything is answered, as the action itself would be.
        made_once = {n: v for n in spec_of(params).made_once if (v := getattr(params, n, None)) is not None}
        refusal = self._offers.refusal(original, JobKind(original.kind), made_once)
        if refusal is not None:
            raise refusal
        return JobRequest(
            guild_id=guild_id,
            requester=requester,
            raw_input=original.raw_input,
            params=params.model_copy(update={"seed": None}),
            workflow=original.workflow_name,
            parent_id=original.id,
            inputs=await self._kept_inputs(original.id),
            made_from=MadeFrom.read(original.seed_document),
            press=REROLL if pressed else None,
        )

    async def _kept_inputs(self, job_id: int, *, but: str | None = None) -> tuple[GivenInput, ...]:
        """The inputs job `job_id` was made from, read back (`but`: leaving that role out)."""
        given = []
        for row in await self._records.for_job(job_id):
            if row.role == but:
                continue
            try:
                data = await self._inputs.load(PurePosixPath(row.path), row.sha256)
            except InputMissing as error:
                raise UserFacingError(
                    Text(
                        "results.input_gone",
                        f"The file job #{job_id} started from is no longer kept, so I can't make it again.",
                        {"job_id": job_id},
                    )
                ) from error
            given.append(
                GivenInput(
                    role=row.role,
                    data=data,
                    declared_name=row.declared_name,
                    origin=_ORIGINS[row.source],
                    source_url=row.source_url,
                    source_job_id=row.source_job_id,
                )
            )
        return tuple(given)

    # -- something new from one file ---------------------------------------------------------------

    async def result_input(
        self, job_id: int, index: int, *, guild_id: int, requester: Requester
    ) -> ResultFile:
        """File `index` (0-based) of job `job_id`, if this member may work from it here."""
        job, artifacts = await self._service.get_with_artifacts(job_id, guild_id=guild_id, viewer=requester)
        await self._check_may_use(job, requester)
        if job.status is not JobStatus.SUCCEEDED or not artifacts:
            raise UserFacingError(
                Text(
                    "results.no_files",
                    f"Job #{job.id} has no finished files to work from.",
                    {"job_id": job.id},
                )
            )
        if not 0 <= index < len(artifacts):
            made, number = len(artifacts), index + 1
            raise UserFacingError(
                Text(
                    "results.no_such_file",
                    f"Job #{job.id} made {made} file(s); there is no number {number}.",
                    {"job_id": job.id, "made": made, "number": number},
                )
            )
        artifact = artifacts[index]
        try:
            [(name, data)] = await self._files.read([artifact])
        except FileNotFoundError as error:
            raise UserFacingError(
                Text(
                    "results.files_gone",
                    f"The files of job #{job.id} are no longer kept, so I can't work from them.",
                    {"job_id": job.id},
                )
            ) from error
        given = GivenInput(
            role=role_of(artifact), data=data, declared_name=name, origin="result", source_job_id=job.id
        )
        return ResultFile(job, index, len(artifacts), given)

    async def source_job(self, job_id: int, *, guild_id: int, requester: Requester) -> JobView:
        """The result, if this member may work from it here (to pre-fill a form before any file is read)."""
        job = await self._service.get(job_id, guild_id=guild_id, viewer=requester)
        await self._check_may_use(job, requester)
        return job

    async def request(
        self,
        action: ResultAction,
        job_id: int,
        index: int,
        *,
        guild_id: int,
        requester: Requester,
        text: str | None = None,
        changes: Mapping[str, Any] | None = None,
        strength: float | None = None,
    ) -> JobRequest:
        """The request `action` makes from file `index` of job `job_id`.

        `text` is what the member typed (Remix's or a reply's prompt, an edit's instruction, a cover's
        lyrics): it becomes the new job's main text and raw input. `changes` are other parameters they
        changed; `strength` overrides the action's own.
        """
        spec = ACTIONS[action]
        answers = None if text is None else {"text": text, "changes": changes, "strength": strength}
        source = await self.result_input(job_id, index, guild_id=guild_id, requester=requester)
        if source.given.role != spec.takes:
            label, noun = Text(f"actions.{action.value}", spec.label), _noun(spec.takes)
            raise UserFacingError(
                Text(
                    "results.wrong_media",
                    f"{label} works from {noun}; job #{job_id} made none.",
                    {"label": label, "noun": noun, "job_id": job_id},
                )
            )
        self.check_redraws(source.job, action)  # an older message's button, or a reply
        kind = spec.kind or JobKind(source.job.kind)
        target = self._service.kinds.get(kind)
        wanted = {**spec.changes, **(changes or {})}
        typed, moved = TypedText(""), False
        if text is not None:
            # Flags typed in it (--ar, --no, --seed...) change those parameters, over the form's fields.
            typed = read_typed(kind, text)
            _not_twice(typed, changes or {})
            wanted.update(typed.values)
            wanted[target.main_field] = typed.text
            moved = _typed_move(typed, wanted)
        elif spec.carries_text:  # the result's own text, read once already
            text = main_text(source.job) or None
            if text is not None:
                wanted[target.main_field] = text
        # A shape typed is the canvas itself: set after the result's shape is widened for a pan.
        named = {name: wanted.pop(name) for name in ("aspect_ratio",) if name in typed.values}
        offers = self._offers
        if moved:  # a zoom or pan typed keeps no strength (even the form's), as their buttons keep none
            strength = None
        elif strength is None:
            strength = spec.strength
        params = offers.params(source.job, kind, wanted, strength, named=named)
        refusal = offers.refusal(source.job, kind, {**spec.changes, **typed.values})
        if refusal is not None:  # before anything is answered: a refusal is private from its first byte
            raise refusal
        others: tuple[GivenInput, ...] = ()
        if kind == source.job.kind:  # its workflow again: the result's other inputs too (a mask)
            others = await self._kept_inputs(source.job.id, but=source.given.role)
        return JobRequest(
            guild_id=guild_id,
            requester=requester,
            raw_input=text if text is not None else source.job.raw_input,
            params=params,
            # The same workflow (and so the same model) as the result; another kind uses its own default.
            workflow=source.job.workflow_name if kind == source.job.kind else None,
            parent_id=source.job.id,
            inputs=(source.given, *others),
            made_from=MadeFrom(source.job.id, action, index, source.out_of, ResultMessage.of(source.job)),
            notes=typed.notes,
            # A reply is a message of its own, not a press; a form's press is its answers too.
            press=None if action is ResultAction.REPLY else press_of(action, index, answers),
        )

    def check_redraws(self, job: JobView, action: ResultAction) -> None:
        """NotRedrawn for Vary, Remix or a reply of a result with no prompt to redraw (an upscale)."""
        if not self._offers.redraws(job, action):
            raise NotRedrawn(action, job)

    def offered(self, job: JobView, artifacts: Sequence[ArtifactView]) -> tuple[ResultAction, ...]:
        return self._offers.offered(job, artifacts)

    async def _check_may_use(self, job: JobView, requester: Requester) -> None:
        policy = await self._service.policies.get(job.guild_id)
        if (
            policy.regenerate_permission is RegeneratePermission.REQUESTER
            and requester.user_id != job.user_id
            and not requester.is_manager
        ):
            raise NotAllowed(
                Text(
                    "results.requester_only",
                    "On this server only the person who asked can regenerate their results.",
                )
            )


def _not_twice(typed: TypedText, fields: Mapping[str, Any]) -> None:
    """A number the form asks for (Custom Zoom's zoom) typed again as a flag is refused, not overridden."""
    twice = [name for name in ("zoom",) if name in typed.values and fields.get(name) is not None]
    if twice:
        said = Text("prompt.given_in_form", "is in the form already; leave it out of the prompt")
        raise PromptError([PromptProblem.of(typed.spelled.get(twice[0], twice[0]), said)])


def _typed_move(typed: TypedText, wanted: dict[str, Any]) -> bool:
    """Whether a zoom or pan was typed as a flag: then refused with the other one (the form's zoom, another
    flag), naming the flag as /imagine does; else the strength goes, as the Zoom and Pan buttons keep none
    (the border is drawn from nothing)."""
    if not {"zoom", "pan"}.intersection(typed.values):
        return False
    if wanted.get("zoom") is not None and wanted.get("pan") is not None:
        flag = typed.spelled.get("pan") or typed.spelled.get("zoom", "--zoom")
        said = Text("value.zoom_and_pan", "zoom out or pan, not both at once")
        raise PromptError([PromptProblem.of(flag, said)])
    wanted["strength"] = None
    return True


def _noun(role: str) -> Text:
    if role == "image":
        return Text("results.a_picture", "a picture")
    if role == "audio":
        return Text("results.a_song", "a song")
    return Text(f"results.a_{role}", f"a {role}")
