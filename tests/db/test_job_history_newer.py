"""Going back through a guild's history by keyset (`after_id`): the page just newer than one shown, in the
same places as going forward, and the first page where fewer newer jobs are left."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import JobRepository
from db.repositories.jobs import HistoryRows
from tests.db.factories import ALICE, BOB, GUILD_A, GUILD_B, job_data
from tests.db.test_job_history import add_jobs


def ids_of(rows: HistoryRows) -> list[int]:
    return [job.id for job in rows.jobs]


async def test_going_back_from_the_third_page_shows_the_second_then_the_first(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    await add_jobs(jobs, 25)
    first = await jobs.history(GUILD_A, limit=10)
    second = await jobs.history(GUILD_A, limit=10, before_id=first.next_before_id)
    third = await jobs.history(GUILD_A, limit=10, before_id=second.next_before_id)

    back_to_second = await jobs.history(GUILD_A, limit=10, after_id=third.jobs[0].id)
    back_to_first = await jobs.history(GUILD_A, limit=10, after_id=second.jobs[0].id)

    assert ids_of(back_to_second) == ids_of(second)
    assert back_to_second.next_before_id == second.next_before_id
    assert not back_to_second.at_newest
    assert ids_of(back_to_first) == ids_of(first)
    assert back_to_first.at_newest
    assert [first.at_newest, second.at_newest, third.at_newest] == [True, False, False]


async def test_fewer_newer_jobs_than_a_page_show_the_whole_first_page(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    ids = await add_jobs(jobs, 12)

    back = await jobs.history(GUILD_A, limit=10, after_id=ids[-4])  # only three are newer

    assert ids_of(back) == sorted(ids, reverse=True)[:10]
    assert back.at_newest
    assert back.next_before_id == sorted(ids, reverse=True)[9]


async def test_going_back_keeps_the_filters_and_the_guild(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    bobs = []
    for n in range(12):
        await jobs.add(job_data(user_id=ALICE))
        await jobs.add(job_data(user_id=BOB, guild_id=GUILD_B))
        bobs.append((await jobs.add(job_data(user_id=BOB, raw_input=f"bob {n}"))).id)
    newest_first = sorted(bobs, reverse=True)

    back = await jobs.history(GUILD_A, limit=5, user_id=BOB, after_id=newest_first[10])

    assert ids_of(back) == newest_first[5:10]
    assert back.next_before_id == newest_first[9]
    assert not back.at_newest


async def test_a_page_gone_back_to_with_nothing_older_says_it_is_the_last(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    ids = await add_jobs(jobs, 8)

    back = await jobs.history(GUILD_A, limit=3, after_id=ids[1] - 1000)  # older than every job

    assert ids_of(back) == [ids[2], ids[1], ids[0]]
    assert back.next_before_id is None
