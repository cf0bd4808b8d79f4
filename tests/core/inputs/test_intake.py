"""A kept input is a file under DATA_DIR and a record of its facts that points at it (issue 14)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.inputs import inspect_input_sync
from core.inputs.intake import keep_input
from core.inputs.store import InputStore
from db.enums import InputMedia, InputSource
from db.repositories import JobRepository
from db.schemas import InvalidInput
from db.units.job_inputs import JobInputStore
from tests.db.factories import job_data
from tests.fakes.comfyui import media


async def new_job(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        return (await JobRepository(session).add(job_data())).id


async def test_a_kept_song_is_on_disk_and_recorded_with_its_facts(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    job_id = await new_job(sessionmaker)
    data = media.encoded_audio("mp3", 2, 1.0)
    facts = inspect_input_sync(data, "my song.MP3")
    files, records = InputStore(tmp_path), JobInputStore(sessionmaker)

    kept = await keep_input(
        files, records, job_id=job_id, role="audio", data=data, facts=facts, origin="attachment",
        source_url="https://cdn.discordapp.com/attachments/1/2/my_song.MP3",
    )  # fmt: skip

    assert (kept.media, kept.mime_type, kept.size_bytes, kept.sha256) == (
        InputMedia.AUDIO, "audio/mpeg", len(data), facts.sha256
    )  # fmt: skip
    assert kept.duration_seconds == pytest.approx(1.0, abs=0.05)
    assert (kept.declared_name, kept.source) == ("my song.MP3", InputSource.ATTACHMENT)
    assert await files.load(PurePosixPath(kept.path), kept.sha256) == data
    assert await records.for_job(job_id) == (kept,)


async def test_an_input_made_from_a_result_links_back_to_its_job(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    source, vary = await new_job(sessionmaker), await new_job(sessionmaker)
    data = media.png(32, 32, 0x445566)
    facts = inspect_input_sync(data, "imagine_00001_.png")
    records = JobInputStore(sessionmaker)

    kept = await keep_input(
        InputStore(tmp_path), records, job_id=vary, role="image", data=data, facts=facts, origin="result",
        source_job_id=source,
    )  # fmt: skip

    assert (kept.width, kept.height, kept.source_job_id) == (32, 32, source)
    assert await records.made_from(source) == (vary,)


async def test_a_record_that_fails_its_checks_is_not_stored(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    job_id = await new_job(sessionmaker)
    data = media.png(8, 8, 0)
    facts = inspect_input_sync(data, "x.png")
    records = JobInputStore(sessionmaker)

    with pytest.raises(InvalidInput):
        await keep_input(
            InputStore(tmp_path), records, job_id=job_id, role="image", data=data, facts=facts,
            origin="message", source_url="https://discord.com/channels/" + "9" * 2000,
        )  # fmt: skip

    assert await records.for_job(job_id) == ()


async def test_a_slot_name_that_is_not_one_stores_nothing_at_all(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    job_id = await new_job(sessionmaker)
    data = media.png(8, 8, 0)
    records = JobInputStore(sessionmaker)

    with pytest.raises(ValueError, match="role"):
        await keep_input(
            InputStore(tmp_path), records, job_id=job_id, role="../x", data=data,
            facts=inspect_input_sync(data, "x.png"), origin="attachment",
        )  # fmt: skip

    assert await records.for_job(job_id) == ()
    assert not (tmp_path / "inputs").exists()
