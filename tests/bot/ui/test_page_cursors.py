"""Keyset page cursors: older and newer move one page, the first and last pages stay put, and a capped
stack forgets its oldest remembered pages but still counts where it is."""

from __future__ import annotations

from bot.ui.page_cursors import PageCursors


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
