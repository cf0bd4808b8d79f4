"""Where a paged listing (/history, /settings log) is: keyset pages read newest first, each from the
`before_id` its older neighbour's page gave. "Older" pushes that id, "newer" pops back to the one before
(PageCursors); /history's go back by keyset too (KeysetCursors), so that its place can be written down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class PageCursors:
    def __init__(self, *, max_kept: int | None = None) -> None:
        # before_id of each page on the way here; the first page has none.
        self._stack: list[int | None] = [None]
        # Beyond this many pages the oldest remembered ones are forgotten ("newer" then jumps back to the
        # first page sooner); None: all are kept.
        self._max_kept = max_kept
        self.page_number = 1

    @property
    def before_id(self) -> int | None:
        """Where the page shown now starts: None on the first page."""
        return self._stack[-1]

    @property
    def on_first_page(self) -> bool:
        return len(self._stack) == 1

    def turn(self, *, older: bool, next_before_id: int | None) -> None:
        """A click on "older" (`next_before_id`: where the page shown said the next one starts) or "newer"."""
        if older:
            self.older(next_before_id)
        else:
            self.newer()

    def older(self, next_before_id: int | None) -> None:
        """To the page after the one shown, if it has one."""
        if next_before_id is None:
            return
        self._stack.append(next_before_id)
        self.page_number += 1
        if self._max_kept is not None and len(self._stack) > self._max_kept:
            del self._stack[1]

    def newer(self) -> None:
        """Back to the page before, if this is not the first."""
        if len(self._stack) > 1:
            self._stack.pop()
            self.page_number = 1 if len(self._stack) == 1 else self.page_number - 1


class Cursors(Protocol):
    """What bot.ui.page_turner asks of a listing's cursors."""

    @property
    def before_id(self) -> int | None: ...

    @property
    def page_number(self) -> int: ...

    @property
    def on_first_page(self) -> bool: ...

    def turn(self, *, older: bool, next_before_id: int | None) -> None: ...


class KeysetCursors:
    """Where /history is, keyset both ways: the page just older than one job, or just newer than another.
    Nothing else is remembered, so the place fits in a button's custom_id (bot.ui.history_turns) and is
    found again after a restart. `newest_shown`: the id of the page shown's first (newest) job."""

    def __init__(
        self,
        *,
        newest_shown: Callable[[], int | None],
        page_number: int = 1,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> None:
        self._newest_shown = newest_shown
        self.page_number = page_number
        self.before_id = before_id
        self.after_id = after_id
        self._at_newest = before_id is None and after_id is None

    @property
    def on_first_page(self) -> bool:
        return self._at_newest

    def turn(self, *, older: bool, next_before_id: int | None) -> None:
        """A click on "older" (`next_before_id`: where the page shown said the next one starts) or "newer"."""
        newest = self._newest_shown()
        if older and next_before_id is not None:
            self.before_id, self.after_id = next_before_id, None
            self.page_number += 1
        elif not older and not self._at_newest and newest is not None:
            self.before_id, self.after_id = None, newest
            self.page_number -= 1
        elif not older and not self._at_newest:  # a page left empty (its rows swept since): the start
            self.before_id = self.after_id = None
            self.page_number = 1

    def landed(self, *, at_newest: bool) -> None:
        """The page was read: whether it is the first (the newest jobs), whatever its number said."""
        self._at_newest = at_newest
        if at_newest:
            self.before_id = self.after_id = None
            self.page_number = 1
        else:  # jobs made since the listing was shown push it down a page, never up to the first
            self.page_number = max(self.page_number, 2)
