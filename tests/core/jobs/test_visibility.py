"""Who sees a job: a channel the viewer cannot read hides others' jobs made there, from managers too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from core.jobs.policy import Requester
from core.jobs.visibility import seen_as_manager_only, shown_privately, visible_to
from tests.bot.history_factories import a_job

STAFF, GALLERY, FORGOTTEN_THREAD = 500, 600, 700
ALICE, BOB = 3, 4


def viewer(
    user_id: int = BOB, *, hidden: frozenset[int] = frozenset({STAFF}), manager: bool = False
) -> Requester:
    return Requester(user_id=user_id, channel_id=GALLERY, is_manager=manager, hidden_channel_ids=hidden)


def test_anothers_job_made_where_the_viewer_cannot_read_is_hidden_from_members_and_managers() -> None:
    staff_job = a_job(channel_id=STAFF, user_id=ALICE)

    assert not visible_to(staff_job, viewer())
    assert not visible_to(staff_job, viewer(manager=True))


def test_anothers_job_in_a_thread_of_a_hidden_channel_is_hidden_though_the_thread_is_not_listed() -> None:
    # The hidden set names only the threads the bot remembers; the job keeps the channel its thread is in.
    thread_job = a_job(channel_id=FORGOTTEN_THREAD, parent_channel_id=STAFF, user_id=ALICE)

    assert not visible_to(thread_job, viewer())
    assert not visible_to(thread_job, viewer(manager=True))
    assert visible_to(thread_job, viewer(ALICE)), "their own job stays theirs"
    assert visible_to(a_job(channel_id=FORGOTTEN_THREAD, parent_channel_id=GALLERY, user_id=ALICE), viewer())


def test_a_job_in_a_readable_channel_and_the_viewers_own_job_anywhere_are_visible() -> None:
    assert visible_to(a_job(channel_id=GALLERY, user_id=ALICE), viewer())
    assert visible_to(a_job(channel_id=STAFF, user_id=BOB), viewer())
    assert visible_to(a_job(channel_id=STAFF, user_id=ALICE), viewer(hidden=frozenset()))


def test_a_managers_look_at_a_deleted_result_where_they_can_read_is_still_theirs_alone() -> None:
    deleted = a_job(channel_id=GALLERY, user_id=ALICE, deleted_at=datetime(2026, 12, 1, tzinfo=UTC))

    assert visible_to(deleted, viewer(manager=True))
    assert seen_as_manager_only(deleted, viewer(manager=True))
    assert not visible_to(a_job(channel_id=STAFF, user_id=ALICE, private=True), viewer(manager=True))


def test_show_answers_privately_a_job_made_where_some_reader_of_the_channel_cannot_read() -> None:
    asker = replace(viewer(ALICE, hidden=frozenset()), hidden_from_channel_readers=frozenset({STAFF}))

    assert shown_privately(a_job(channel_id=STAFF, user_id=ALICE), asker), "even her own"
    assert shown_privately(a_job(channel_id=FORGOTTEN_THREAD, parent_channel_id=STAFF, user_id=BOB), asker)
    assert not shown_privately(a_job(channel_id=GALLERY, user_id=BOB), asker)
    assert shown_privately(None, asker), "not yet known: it might be"
    assert shown_privately(None, viewer(ALICE, hidden=frozenset())), "a private thread's, say"


def test_anothers_job_in_a_private_thread_is_for_who_reads_the_thread_or_manages_threads_there() -> None:
    secret = a_job(
        channel_id=FORGOTTEN_THREAD, parent_channel_id=GALLERY, in_private_thread=True, user_id=ALICE
    )
    reader = viewer(hidden=frozenset())

    assert not visible_to(secret, reader), "reading the channel does not open its private threads"
    assert not visible_to(secret, replace(reader, is_manager=True)), "nor does managing messages"
    assert visible_to(secret, replace(reader, private_threads_read=frozenset({FORGOTTEN_THREAD})))
    assert visible_to(secret, replace(reader, threads_managed_in=frozenset({GALLERY})))
    assert not visible_to(secret, replace(reader, threads_managed_in=frozenset({STAFF})))
    assert visible_to(secret, viewer(ALICE)), "her own job stays hers"


def test_show_posts_a_private_threads_job_in_that_thread_only() -> None:
    secret = a_job(
        channel_id=FORGOTTEN_THREAD, parent_channel_id=GALLERY, in_private_thread=True, user_id=ALICE
    )
    asker = viewer(ALICE, hidden=frozenset())

    assert shown_privately(secret, asker)
    assert not shown_privately(secret, replace(asker, channel_id=FORGOTTEN_THREAD))


def test_a_job_made_in_a_channel_deleted_since_is_its_makers_and_managers_only() -> None:
    known = frozenset({GALLERY, STAFF})
    reader = replace(viewer(hidden=frozenset()), known_channel_ids=known)
    gone = a_job(channel_id=800, user_id=ALICE)
    gone_thread = a_job(channel_id=FORGOTTEN_THREAD, parent_channel_id=800, user_id=ALICE)
    forgotten_thread = a_job(channel_id=FORGOTTEN_THREAD, parent_channel_id=GALLERY, user_id=ALICE)

    assert not visible_to(gone, reader)
    assert not visible_to(gone_thread, reader)
    assert visible_to(forgotten_thread, reader), "a thread the bot forgot, in a channel it knows"
    assert visible_to(gone, replace(reader, is_manager=True))
    assert seen_as_manager_only(gone, replace(reader, is_manager=True))
    assert visible_to(gone, replace(reader, user_id=ALICE))
    assert shown_privately(gone, replace(reader, user_id=ALICE)), "never posted to a channel"
    assert visible_to(gone, viewer(hidden=frozenset())), "nothing known: nothing judged"
