"""A request's inputs taken in: inspected before any job exists, kept with the job when it is created.

``inspect`` decodes every input (off the event loop) and refuses, with a friendly private message, what is
not the media its slot takes or is over the limits: a refused request stores nothing. ``keeper`` gives the
job store what it needs to keep the files inside the job's own transaction: the files are written once
the job has an id, before their records, so a record never points at a missing file; if the job is not
created after all (a limit, the database), ``discard`` takes the files away again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from core.inputs import InputFacts, InputLimits, inspect_input
from core.inputs.intake import input_record
from core.inputs.store import InputStore
from core.jobs.given_input import ROLE_MEDIA, GivenInput


@dataclass(frozen=True, slots=True)
class InspectedInput:
    given: GivenInput
    facts: InputFacts


@dataclass
class InputKeeper:
    files: InputStore
    inputs: Sequence[InspectedInput]
    written: list[PurePosixPath] = field(default_factory=list)

    async def records(self, job_id: int) -> list[dict[str, object]]:
        """Write the new job's input files, then return their records (JobStore.create's ``inputs``)."""
        records = []
        for item in self.inputs:
            given = item.given
            # Noted before writing: a write that fails halfway leaves its partial file for discard too.
            self.written.append(self.files.relative_path(job_id, given.role, item.facts))
            path = await self.files.save(job_id, given.role, given.data, item.facts)
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
        """The job was not created: no file of it stays behind."""
        written, self.written = self.written, []
        await self.files.remove(written)


class InputIntake:
    def __init__(self, files: InputStore, limits: InputLimits | None = None) -> None:
        self.files = files
        self.limits = limits or InputLimits()

    async def inspect(self, inputs: Sequence[GivenInput]) -> tuple[InspectedInput, ...]:
        """Each input decoded and checked against its slot and the limits; raises InputRefused."""
        inspected = []
        for given in inputs:
            facts = await inspect_input(
                given.data, given.declared_name, accepted={ROLE_MEDIA[given.role]}, limits=self.limits
            )
            inspected.append(InspectedInput(given, facts))
        return tuple(inspected)

    def keeper(self, inputs: Sequence[InspectedInput]) -> InputKeeper:
        return InputKeeper(self.files, inputs)
