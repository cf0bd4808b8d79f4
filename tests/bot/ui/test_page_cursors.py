"""Keyset page cursors: older and newer move one page, the first and last pages stay put, and a capped
stack forgets its oldest remembered pages but still counts where it is."""

from __future__ import annotations

from bot.ui.page_cursors import KeysetCursors, PageCursors


def test_older_then_newer_returns_to_the_first_page() -> None:
    cursors = PageCursors()
    cursors.older(90)
    cursors.older(80)
    assert (cursors.before_id, cursors.page_number, cursors.on_first_page) == (80, 3, False)
    cursors.newer()
    assert (cursors.before_id, cursors.page_number) == (90, 2)
    cursors.newer()
    assert (cursors.before_id, cursors.page_number, cursors.on_first_page) == (None, 1, True)


def test_the_last_page_and_the_first_page_stay_put() -> None:
    cursors = PageCursors()
    cursors.newer()
    cursors.older(None)  # the page shown has no older neighbour
    assert (cursors.before_id, cursors.page_number) == (None, 1)


def test_a_capped_stack_forgets_the_oldest_pages_and_newer_jumps_back_to_the_first() -> None:
    cursors = PageCursors(max_kept=3)
    for before_id in (90, 80, 70, 60):
        cursors.older(before_id)
    assert (cursors.before_id, cursors.page_number) == (60, 5)
    cursors.newer()
    assert (cursors.before_id, cursors.page_number) == (70, 4)
    cursors.newer()
    assert (cursors.before_id, cursors.page_number, cursors.on_first_page) == (None, 1, True)


def test_keyset_cursors_go_back_just_newer_than_the_page_shown() -> None:
    newest = [30]
    cursors = KeysetCursors(newest_shown=lambda: newest[0])
    cursors.landed(at_newest=True)
    cursors.turn(older=True, next_before_id=21)
    cursors.landed(at_newest=False)
    assert (cursors.before_id, cursors.after_id, cursors.page_number, cursors.on_first_page) == (
        21,
        None,
        2,
        False,
    )
    newest[0] = 20
    cursors.turn(older=False, next_before_id=11)
    assert (cursors.before_id, cursors.after_id, cursors.page_number) == (None, 20, 1)
    cursors.landed(at_newest=True)  # the page read was the first
    assert (cursors.before_id, cursors.after_id, cursors.page_number, cursors.on_first_page) == (
        None,
        None,
        1,
        True,
    )


def test_keyset_cursors_stay_put_on_the_first_and_last_pages() -> None:
    cursors = KeysetCursors(newest_shown=lambda: 30)
    cursors.landed(at_newest=True)
    cursors.turn(older=False, next_before_id=21)
    cursors.turn(older=True, next_before_id=None)
    assert (cursors.before_id, cursors.after_id, cursors.page_number) == (None, None, 1)


def test_keyset_cursors_opened_at_a_named_page_never_call_a_later_one_the_first() -> None:
    cursors = KeysetCursors(newest_shown=lambda: 50, page_number=1, after_id=60)
    assert not cursors.on_first_page
    cursors.landed(at_newest=False)  # jobs made since pushed what was page 2 down
    assert (cursors.page_number, cursors.on_first_page) == (2, False)


def test_newer_from_a_page_left_empty_goes_back_to_the_first_page() -> None:
    """Nothing is shown on a later page whose rows went meanwhile (the moderation log's sweep): "newer"
    has no row to turn from, and takes the member back to the start rather than nowhere."""
    cursors = KeysetCursors(newest_shown=lambda: None, page_number=3, before_id=40)
    cursors.landed(at_newest=False)

    cursors.turn(older=False, next_before_id=None)

    assert (cursors.before_id, cursors.after_id, cursors.page_number) == (None, None, 1)
