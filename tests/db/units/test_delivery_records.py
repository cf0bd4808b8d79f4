"""What the front end records of a job's delivery (db/units/job_delivery.py): its messages, its uploaded
files, its events, and an event claimed once across deliveries, each a unit of work of its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.repositories.job_events import JobEventRepository
from db.schemas import ArtifactCreate, InvalidInput, JobCreate
from db.units.jobs import JobStore
from tests.db.factories import artifact_data, job_data, read_document
from tests.db.sqlite_trip_count import count_sqlite_trips

CLAIMERS = 8


async def _finished_job(store: JobStore) -> tuple[int, int]:
    """A succeeded job with one artifact: (job id, artifact id)."""
    job = await store.create(JobCreate.model_validate(job_data()))
    claimed = await store.claim(job.id, worker_id="w", prompt_id="p", backend="http://gpu", lease_s=60)
    assert claimed is not None
    done = await store.succeed(claimed, [ArtifactCreate.model_validate(artifact_data(job.id))])
    assert done is not None
    return job.id, done[1][0].id


async def _kinds(
    sessions: async_sessionmaker[AsyncSession], job_id: int
) -> list[tuple[str, dict[str, object]]]:
    async with sessions() as session:
        return [(e.kind, e.detail) for e in await JobEventRepository(session).for_job(job_id)]


async def test_an_upload_and_the_messages_are_recorded_on_the_artifact_and_the_job(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w")
    job_id, artifact_id = await _finished_job(store)

    await store.record_uploads(555, [(artifact_id, "https://cdn.example/0.png")])
    await store.record_messages(job_id, response_message_id=71)
    await store.record_messages(job_id, channel_message_id=72)

    (artifact,) = await store.artifacts_of(job_id)
    assert (artifact.message_id, artifact.attachment_url) == (555, "https://cdn.example/0.png")
    job = await store.get(job_id)
    assert job is not None
    assert (job.response_message_id, job.channel_message_id) == (71, 72)  # the second kept the first


async def test_an_event_is_recorded_with_its_detail_and_a_bad_one_is_refused_whole(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w")
    job_id, _ = await _finished_job(store)

    await store.record_event(job_id, "saving", {"detail": "disk full"})
    with pytest.raises(InvalidInput):
        await store.record_event(job_id, "x" * 51)

    kinds = await _kinds(sessionmaker, job_id)
    assert kinds[-1] == ("saving", {"detail": "disk full"})
    assert [kind for kind, _ in kinds].count("x" * 51) == 0


async def test_an_event_is_claimed_once_then_never_again(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w")
    job_id, _ = await _finished_job(store)

    assert await store.claim_once(job_id, "withheld_notice")
    assert not await store.claim_once(job_id, "withheld_notice")
    assert await store.claim_once(job_id, "another_notice")  # another kind is claimed on its own
    kinds = [kind for kind, _ in await _kinds(sessionmaker, job_id)]
    assert kinds.count("withheld_notice") == 1


@pytest.fixture
async def two_engines(database_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two worker processes' engines, each with room for every claimer at once."""
    engines = tuple(create_engine(database_url, pool_size=CLAIMERS, max_overflow=0) for _ in range(2))
    yield engines[0], engines[1]
    for engine in engines:
        await engine.dispose()


async def test_claims_of_one_event_at_once_from_two_workers_leave_one_winner(
    two_engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    stores = [JobStore(create_sessionmaker(engine), read_document, worker_id="w") for engine in two_engines]
    job_id, _ = await _finished_job(stores[0])

    won = await asyncio.gather(
        *(stores[i % 2].claim_once(job_id, "withheld_notice") for i in range(CLAIMERS))
    )

    assert sorted(won) == [False] * (CLAIMERS - 1) + [True]
    kinds = [kind for kind, _ in await _kinds(stores[1].sessions, job_id)]
    assert kinds.count("withheld_notice") == 1


async def test_no_delivery_record_opens_an_orm_session(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each is a unit of work on the engine (one trip to aiosqlite's thread on SQLite), not a session.
    store = JobStore(sessionmaker, read_document, worker_id="w")
    job_id, artifact_id = await _finished_job(store)
    opened: list[object] = []
    original = AsyncSession.__init__

    def counted(self: AsyncSession, *args: object, **kwargs: object) -> None:
        opened.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AsyncSession, "__init__", counted)
    await store.record_uploads(555, [(artifact_id, "https://cdn.example/0.png")])
    await store.record_messages(job_id, channel_message_id=72)
    await store.record_event(job_id, "saving")
    assert await store.claim_once(job_id, "withheld_notice")
    assert opened == []


async def test_the_files_of_one_message_are_recorded_in_one_trip(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = JobStore(sessionmaker, read_document, worker_id="w")
    job = await store.create(JobCreate.model_validate(job_data()))
    claimed = await store.claim(job.id, worker_id="w", prompt_id="p", backend="http://gpu", lease_s=60)
    assert claimed is not None
    files = [ArtifactCreate.model_validate(artifact_data(job.id, path=f"a/{n}.png")) for n in range(4)]
    done = await store.succeed(claimed, files)
    assert done is not None
    uploads = [(artifact.id, f"https://cdn.example/{n}.png") for n, artifact in enumerate(done[1])]
    trips = count_sqlite_trips(monkeypatch)

    await store.record_uploads(555, uploads)

    assert len(trips) == (1 if store.sessions.kw["bind"].dialect.name == "sqlite" else 0)
    recorded = await store.artifacts_of(job.id)
    assert [(a.message_id, a.attachment_url) for a in recorded] == [(555, url) for _, url in uploads]
