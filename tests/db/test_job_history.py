"""A guild's history: newest first, filtered, keyset-paginated, and never another guild's jobs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.kinds import IMAGE, SONG
from db.enums import JobStatus
from db.repositories import JobRepository
from tests.db.factories import ALICE, BOB, CHANNEL, GUILD_A, GUILD_B, job_data


async def add_jobs(jobs: JobRepository, count: int, **overrides: object) -> list[int]:
    return [(await jobs.add(job_data(raw_input=f"prompt {n}", **overrides))).id for n in range(count)]


async def all_pages(jobs: JobRepository, guild_id: int, page_size: int, **filters: object) -> list[list[int]]:
    pages: list[list[int]] = []
    before_id: int | None = None
    while True:
        page = await jobs.history(guild_id, before_id=before_id, limit=page_size, **filters)  # type: ignore[arg-type]
        pages.append([job.id for job in page.jobs])
        if page.next_before_id is None:
            return pages
        before_id = page.next_before_id


async def test_pages_cover_every_job_once_newest_first(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    ids = await add_jobs(jobs, 25)

    pages = await all_pages(jobs, GUILD_A, page_size=10)

    assert [len(page) for page in pages] == [10, 10, 5]
    assert [job_id for page in pages for job_id in page] == sorted(ids, reverse=True)


async def test_exact_multiple_of_page_size_has_no_empty_last_page(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    await add_jobs(jobs, 20)
    assert [len(page) for page in await all_pages(jobs, GUILD_A, page_size=10)] == [10, 10]


async def test_new_jobs_do_not_shift_later_pages(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    ids = await add_jobs(jobs, 15)
    first = await jobs.history(GUILD_A, limit=10)
    await add_jobs(jobs, 5)  # arrive while the user reads page one

    second = await jobs.history(GUILD_A, limit=10, before_id=first.next_before_id)

    assert [job.id for job in first.jobs] + [job.id for job in second.jobs] == sorted(ids, reverse=True)


async def test_history_of_one_guild_never_shows_another_guilds_jobs(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    in_a = await add_jobs(jobs, 6, guild_id=GUILD_A)
    in_b = await add_jobs(jobs, 6, guild_id=GUILD_B)

    seen_from_a = [job_id for page in await all_pages(jobs, GUILD_A, page_size=4) for job_id in page]
    # A cursor taken from guild B's ids must not leak B's jobs into A's history either.
    crafted = await jobs.history(GUILD_A, before_id=max(in_b) + 1, search="prompt")

    assert sorted(seen_from_a) == sorted(in_a)
    assert {job.guild_id for job in crafted.jobs} == {GUILD_A}
    assert await jobs.get_with_artifacts(in_b[0], guild_id=GUILD_A) is None
    assert await jobs.get(in_b[0], guild_id=GUILD_A) is None


async def test_history_filters_by_user_and_kind(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    alice_images = await add_jobs(jobs, 3, user_id=ALICE, kind="image")
    alice_songs = await add_jobs(jobs, 2, user_id=ALICE, kind="song")
    await add_jobs(jobs, 4, user_id=BOB, kind="image")

    by_alice = await jobs.history(GUILD_A, user_id=ALICE)
    alice_song_page = await jobs.history(GUILD_A, user_id=ALICE, kind=SONG)
    images = await jobs.history(GUILD_A, kind=IMAGE, limit=100)

    assert [job.id for job in by_alice.jobs] == sorted(alice_images + alice_songs, reverse=True)
    assert [job.id for job in alice_song_page.jobs] == sorted(alice_songs, reverse=True)
    assert len(images.jobs) == 7
    assert {job.kind for job in images.jobs} == {IMAGE}


async def test_paginating_a_filtered_history(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    bobs = []
    for n in range(12):
        await jobs.add(job_data(user_id=ALICE))
        bobs.append((await jobs.add(job_data(user_id=BOB, raw_input=f"bob {n}"))).id)

    pages = await all_pages(jobs, GUILD_A, page_size=5, user_id=BOB)

    assert [len(page) for page in pages] == [5, 5, 2]
    assert [job_id for page in pages for job_id in page] == sorted(bobs, reverse=True)


async def test_search_matches_text_case_insensitively_and_treats_wildcards_literally(
    session: AsyncSession,
) -> None:
    jobs = JobRepository(session)
    cat = await jobs.add(job_data(raw_input="A Cat in a hat"))
    percent = await jobs.add(job_data(raw_input="100% cotton"))
    await jobs.add(job_data(raw_input="a dog"))
    await jobs.add(job_data(raw_input="100 cats_and more"))

    assert [job.id for job in (await jobs.history(GUILD_A, search="cat in")).jobs] == [cat.id]
    assert [job.id for job in (await jobs.history(GUILD_A, search="0%")).jobs] == [percent.id]
    assert (await jobs.history(GUILD_A, search="cats_a")).jobs[0].raw_input == "100 cats_and more"
    assert (await jobs.history(GUILD_A, search="t_a")).jobs == []


async def test_page_size_is_capped(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    await add_jobs(jobs, 3)
    page = await jobs.history(GUILD_A, limit=0)
    assert len(page.jobs) == 1
    assert page.next_before_id is not None


async def test_search_words_with_quotes_and_sql_are_only_text(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    quoted = await jobs.add(job_data(raw_input="it's a cat's 'hat' \\ backslash"))
    await jobs.add(job_data(raw_input="a dog"))

    assert [job.id for job in (await jobs.history(GUILD_A, search="cat's 'hat' \\")).jobs] == [quoted.id]
    assert (await jobs.history(GUILD_A, search="'; DELETE FROM jobs; --")).jobs == []
    assert len((await jobs.history(GUILD_A)).jobs) == 2


async def test_private_jobs_are_listed_for_their_requester_and_managers_only(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    public = await add_jobs(jobs, 1, user_id=BOB)
    alices = await add_jobs(jobs, 1, user_id=ALICE, private=True)
    bobs = await add_jobs(jobs, 1, user_id=BOB, private=True)

    async def listed(**filters: object) -> list[int]:
        return [job.id for job in (await jobs.history(GUILD_A, **filters)).jobs]  # type: ignore[arg-type]

    assert await listed(viewer_id=ALICE) == [*alices, *public]
    assert await listed(viewer_id=BOB) == [*bobs, *public]
    assert await listed() == public, "a listing the channel sees holds nobody's private jobs"
    assert await listed(viewer_id=BOB, include_private=True) == [*bobs, *alices, *public]


async def test_others_jobs_in_hidden_channels_are_left_out_in_sql_so_pages_stay_full(
    session: AsyncSession,
) -> None:
    jobs = JobRepository(session)
    staff = CHANNEL + 1
    # Interleaved, so a filter applied after fetching a page would leave that page short.
    in_the_open, hidden, alices_hidden = [], [], []
    for _ in range(6):
        in_the_open += await add_jobs(jobs, 1, user_id=BOB)
        hidden += await add_jobs(jobs, 1, user_id=BOB, channel_id=staff)
        alices_hidden += await add_jobs(jobs, 1, user_id=ALICE, channel_id=staff)

    pages = await all_pages(
        jobs, GUILD_A, page_size=4, viewer_id=ALICE, hidden_channel_ids=frozenset({staff})
    )
    shown_to_channel = await all_pages(jobs, GUILD_A, page_size=4, hidden_channel_ids=frozenset({staff}))

    assert [len(page) for page in pages] == [4, 4, 4]
    assert [job_id for page in pages for job_id in page] == sorted(in_the_open + alices_hidden, reverse=True)
    assert not {job_id for page in pages for job_id in page} & set(hidden)
    assert [job_id for page in shown_to_channel for job_id in page] == sorted(in_the_open, reverse=True)


async def test_others_jobs_in_a_thread_of_a_hidden_channel_are_left_out_though_the_thread_is_not_listed(
    session: AsyncSession,
) -> None:
    # The bot lists only the threads it remembers: a thread archived before its start is in no hidden set,
    # but the channel it is in is, and the job keeps that channel.
    jobs = JobRepository(session)
    staff, forgotten_thread, open_thread = CHANNEL + 1, CHANNEL + 2, CHANNEL + 3
    in_the_open, hidden, alices_hidden = [], [], []
    for _ in range(4):
        in_the_open += await add_jobs(jobs, 1, user_id=BOB)
        in_the_open += await add_jobs(jobs, 1, user_id=BOB, channel_id=open_thread, parent_channel_id=CHANNEL)
        hidden += await add_jobs(jobs, 1, user_id=BOB, channel_id=forgotten_thread, parent_channel_id=staff)
        alices_hidden += await add_jobs(
            jobs, 1, user_id=ALICE, channel_id=forgotten_thread, parent_channel_id=staff
        )

    pages = await all_pages(
        jobs, GUILD_A, page_size=4, viewer_id=ALICE, hidden_channel_ids=frozenset({staff})
    )

    assert [len(page) for page in pages] == [4, 4, 4]
    assert [job_id for page in pages for job_id in page] == sorted(in_the_open + alices_hidden, reverse=True)
    assert not {job_id for page in pages for job_id in page} & set(hidden)


async def test_others_jobs_in_private_threads_are_left_out_but_where_the_viewer_reads_the_thread(
    session: AsyncSession,
) -> None:
    # The twin of core.jobs.visibility's rule: a private thread is for its members (the ones the viewer is
    # known to read) and for who has Manage Threads in its channel.
    jobs = JobRepository(session)
    thread, other_thread, elsewhere = CHANNEL + 1, CHANNEL + 2, CHANNEL + 3
    private = {"in_private_thread": True, "parent_channel_id": CHANNEL}
    open_one = await add_jobs(jobs, 1, user_id=BOB, channel_id=CHANNEL + 4, parent_channel_id=CHANNEL)
    in_thread = await add_jobs(jobs, 1, user_id=BOB, channel_id=thread, **private)
    in_other = await add_jobs(jobs, 1, user_id=BOB, channel_id=other_thread, **private)
    alices = await add_jobs(jobs, 1, user_id=ALICE, channel_id=other_thread, **private)
    in_a_thread_elsewhere = await add_jobs(
        jobs, 1, user_id=BOB, channel_id=CHANNEL + 5, in_private_thread=True, parent_channel_id=elsewhere
    )

    async def listed(**filters: object) -> list[int]:
        return [job_id for page in await all_pages(jobs, GUILD_A, page_size=10, **filters) for job_id in page]

    def newest_first(*groups: list[int]) -> list[int]:
        return sorted((job_id for group in groups for job_id in group), reverse=True)

    assert await listed(viewer_id=ALICE) == newest_first(open_one, alices)
    assert await listed(viewer_id=ALICE, private_threads_read=frozenset({thread})) == newest_first(
        open_one, in_thread, alices
    )
    assert await listed(viewer_id=ALICE, threads_managed_in=frozenset({CHANNEL})) == newest_first(
        open_one, in_thread, in_other, alices
    )
    assert await listed(
        viewer_id=ALICE, threads_managed_in=frozenset({CHANNEL}), hidden_channel_ids=frozenset({elsewhere})
    ) == newest_first(open_one, in_thread, in_other, alices)
    assert await listed(threads_managed_in=frozenset({elsewhere})) == newest_first(
        open_one, in_a_thread_elsewhere
    )


async def test_others_jobs_made_in_channels_deleted_since_are_left_out_unless_not_judged(
    session: AsyncSession,
) -> None:
    # The twin of core.jobs.visibility's rule: a job made in none of the known channels (nor in a thread
    # of one) is its maker's; a manager's listing passes None.
    jobs = JobRepository(session)
    gone, forgotten_thread = CHANNEL + 1, CHANNEL + 2
    here = await add_jobs(jobs, 1, user_id=BOB)
    in_forgotten_thread = await add_jobs(
        jobs, 1, user_id=BOB, channel_id=forgotten_thread, parent_channel_id=CHANNEL
    )
    bobs_gone = await add_jobs(jobs, 1, user_id=BOB, channel_id=gone)
    alices_gone = await add_jobs(jobs, 1, user_id=ALICE, channel_id=gone)
    in_gone_thread = await add_jobs(jobs, 1, user_id=BOB, channel_id=CHANNEL + 3, parent_channel_id=gone)
    known = frozenset({CHANNEL})

    async def listed(**filters: object) -> list[int]:
        return [job_id for page in await all_pages(jobs, GUILD_A, page_size=10, **filters) for job_id in page]

    everything = sorted(here + in_forgotten_thread + bobs_gone + alices_gone + in_gone_thread, reverse=True)
    assert await listed(viewer_id=ALICE, known_channel_ids=known) == sorted(
        here + in_forgotten_thread + alices_gone, reverse=True
    )
    assert await listed(known_channel_ids=known) == sorted(here + in_forgotten_thread, reverse=True)
    assert await listed(viewer_id=ALICE) == everything


async def test_history_filters_by_status(session: AsyncSession) -> None:
    jobs = JobRepository(session)
    failed, cancelled, waiting = await add_jobs(jobs, 3)
    assert await jobs.transition(failed, [JobStatus.QUEUED], JobStatus.FAILED)
    assert await jobs.transition(cancelled, [JobStatus.QUEUED], JobStatus.CANCELLED)
    other_guilds = await jobs.add(job_data(guild_id=GUILD_B))
    assert await jobs.transition(other_guilds.id, [JobStatus.QUEUED], JobStatus.FAILED)

    assert await all_pages(jobs, GUILD_A, 10, status=JobStatus.FAILED) == [[failed]]
    assert await all_pages(jobs, GUILD_A, 10, status=JobStatus.CANCELLED) == [[cancelled]]
    assert await all_pages(jobs, GUILD_A, 10, status=JobStatus.QUEUED) == [[waiting]]
    assert await all_pages(jobs, GUILD_A, 10, status=JobStatus.SUCCEEDED) == [[]]
