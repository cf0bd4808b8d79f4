"""Where a paged listing (/history, /settings log) is: keyset pages read newest first, each from the
`before_id` its older neighbour's page gave. "Older" pushes that id, "newer" pops back to the one before."""

from __future__ import annotations


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
