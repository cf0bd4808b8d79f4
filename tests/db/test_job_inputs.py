"""Job inputs: one per slot, checked before they are stored, linked to the job they were made from."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import InputMedia, InputSource
from db.models import Job
from db.repositories import JobInputRepository, JobRepository
from db.schemas import InvalidInput
from tests.db.factories import job_data


def input_data(job_id: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "job_id": job_id,
        "role": "image",
        "media": "image",
        "mime_type": "image/png",
        "size_bytes": 2048,
        "sha256": hashlib.sha256(b"picture").hexdigest(),
        "width": 640,
        "height": 480,
        "path": f"inputs/{job_id}/image-0123456789abcdef.png",
        "declared_name": "holiday photo.png",
        "source": "attachment",
        "source_url": "https://cdn.discordapp.com/attachments/1/2/holiday.png",
    }
    data.update(overrides)
    return data


async def test_a_jobs_inputs_are_stored_and_listed_by_role(session: AsyncSession) -> None:
    job = await JobRepository(session).add(job_data())
    inputs = JobInputRepository(session)

    await inputs.add(input_data(job.id))
    await inputs.add(
        input_data(job.id, role="audio", media="audio", mime_type="audio/mpeg", width=None, height=None,
                   duration_seconds=93.5, path=f"inputs/{job.id}/audio-0123456789abcdef.mp3")
    )  # fmt: skip

    stored = await inputs.for_job(job.id)
    assert [(i.role, i.media, i.source) for i in stored] == [
        ("audio", InputMedia.AUDIO, InputSource.ATTACHMENT),
        ("image", InputMedia.IMAGE, InputSource.ATTACHMENT),
    ]
    assert stored[0].duration_seconds == 93.5
    assert stored[1].declared_name == "holiday photo.png"


async def test_a_second_input_for_the_same_slot_is_refused(session: AsyncSession) -> None:
    job = await JobRepository(session).add(job_data())
    inputs = JobInputRepository(session)
    await inputs.add(input_data(job.id))

    with pytest.raises(IntegrityError):
        await inputs.add(input_data(job.id))


@pytest.mark.parametrize(
    "bad",
    [
        {"role": "../image"},
        {"media": "document"},
        {"source": "guessed"},
        {"path": "/etc/passwd"},
        {"sha256": "not-a-digest"},
        {"size_bytes": 0},
        {"declared_name": "nul\x00byte.png"},
    ],
)
async def test_bad_fields_are_refused_before_anything_is_written(
    session: AsyncSession, bad: dict[str, Any]
) -> None:
    job = await JobRepository(session).add(job_data())
    inputs = JobInputRepository(session)

    with pytest.raises(InvalidInput):
        await inputs.add(input_data(job.id, **bad))

    assert await inputs.for_job(job.id) == []


async def test_jobs_made_from_a_result_link_back_to_it_and_outlive_it(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    source, vary, upscale = [(await jobs.add(job_data())).id for _ in range(3)]
    inputs = JobInputRepository(session)
    for made in (vary, upscale):
        await inputs.add(input_data(made, source="result", source_url=None, source_job_id=source))

    assert await inputs.made_from(source) == [vary, upscale]

    await session.execute(delete(Job).where(Job.id == source))
    session.expire_all()
    [kept] = await inputs.for_job(vary)
    assert kept.source_job_id is None
