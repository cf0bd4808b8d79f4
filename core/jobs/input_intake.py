"""A request's inputs taken in: inspected before any job exists, kept with the job when it is created.

``inspect`` decodes every input (off the event loop) and refuses, with a friendly private message, what is
not the media its slot takes or is over the limits. Meanwhile each file is already written to DATA_DIR
(``InputStore.receive``, with fsync), so keeping it costs the job's transaction only a rename; a refused
request has its received files removed before the refusal is raised, and stores nothing.

``keeper`` gives the job store what it needs to keep the files inside the job's own transaction: the files
are moved under the job's name once it has an id, before their records are written, so a record never
points at a missing file; if the job is not created after all (a limit, the database), ``discard`` takes
the files away again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from comfy.artifacts import is_out_of_room
from core.errors import UserFacingError
from core.inputs import InputFacts, InputKind, InputLimits, inspect_input
from core.inputs.images import loadable_png
from core.inputs.intake import input_record
from core.inputs.store import InputStore
from core.jobs.given_input import ROLE_MEDIA, GivenInput


@dataclass(frozen=True, slots=True)
class InspectedInput:
    given: GivenInput
    facts: InputFacts
    received: PurePosixPath  # the file written while it was inspected, relative to DATA_DIR


@dataclass
class InputKeeper:
    files: InputStore
    inputs: Sequence[InspectedInput]
    kept: list[PurePosixPath] = field(default_factory=list)

    async def records(self, job_id: int) -> list[dict[str, object]]:
        """Move the new job's input files under its name, then return their records (JobStore.create's
        ``inputs``)."""
        records = []
        for item in self.inputs:
            given = item.given
            # Noted first: a move that fails halfway must still be undone by discard.
            self.kept.append(self.files.relative_path(job_id, given.role, item.facts))
            path = await self.files.adopt(item.received, job_id, given.role, given.data, item.facts)
            records.append(
                input_record(
                    job_id=job_id,
                    role=given.role,
                    path=path,
                    facts=item.facts,
                    origin=given.origin,
                    source_url=given.source_url,
                    source_job_id=given.source_job_id,
                )
            )
        return records

    async def discard(self) -> None:
        """The job was not created: no file of it stays behind (moved or not yet)."""
        kept, self.kept = self.kept, []
        await self.files.remove([*kept, *(item.received for item in self.inputs)])


DISK_FULL = (
    "The bot's disk is full, so I can't keep your file right now. Nothing was queued; please try again later."
)


class InputIntake:
    def __init__(
        self,
        files: InputStore,
        limits: InputLimits | None = None,
        *,
        on_no_room: Callable[[str], None] = lambda detail: None,
    ) -> None:
        self.files = files
        self.limits = limits or InputLimits()
        self._on_no_room = on_no_room  # the disk is full (core.jobs.disk_space reports it once)

    async def inspect(self, inputs: Sequence[GivenInput]) -> tuple[InspectedInput, ...]:
        """Each input decoded and checked against its slot and the limits (raises InputRefused, leaving
        nothing on disk), and written to DATA_DIR meanwhile."""
        if not inputs:
            return ()
        inputs = list(inputs)
        writes = [asyncio.ensure_future(self.files.receive(given.data)) for given in inputs]
        try:
            found = [
                await inspect_input(
                    given.data, given.declared_name, accepted={ROLE_MEDIA[given.role]}, limits=self.limits
                )
                for given in inputs
            ]
            received = [await write for write in writes]
            for at, still in enumerate(await self._stills(inputs, found)):
                if still is not None:  # an animated picture's first frame, an AVIF's PNG: kept instead
                    given = inputs[at] = replace(inputs[at], data=still)
                    found[at] = await inspect_input(still, given.declared_name, limits=self.limits)
                    writes[at] = asyncio.ensure_future(self.files.receive(still))
                    await self.files.remove([received[at]])
                    received[at] = await writes[at]
        except BaseException as exc:
            written = await asyncio.gather(*writes, return_exceptions=True)
            await self.files.remove(path for path in written if isinstance(path, PurePosixPath))
            if is_out_of_room(exc):
                self._on_no_room(f"cannot keep a request's file: {exc}")
                raise UserFacingError(DISK_FULL, detail=str(exc)) from exc
            raise
        return tuple(InspectedInput(*item) for item in zip(inputs, found, received, strict=True))

    @staticmethod
    async def _stills(inputs: Sequence[GivenInput], found: Sequence[InputFacts]) -> list[bytes | None]:
        """For each input, the PNG ComfyUI is given instead (None: the input as it is)."""
        return [
            await asyncio.to_thread(loadable_png, given.data) if facts.kind is InputKind.IMAGE else None
            for given, facts in zip(inputs, found, strict=True)
        ]

    def keeper(self, inputs: Sequence[InspectedInput]) -> InputKeeper:
        return InputKeeper(self.files, inputs)
