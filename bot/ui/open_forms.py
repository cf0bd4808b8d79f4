"""Which forms (modals) and listing buttons this process can still answer itself."""

from __future__ import annotations


class OpenForms:
    """The /edit, /upscale and /song forms this process has open, /song's Edit and try again buttons, and
    the controls of the paged listings (/history, /settings log, /workflows list) still live.
    discord.py keeps them in memory only and drops an answer to one it does not know, which Discord then
    shows as a failure: one sent back after a restart, or after its time, is answered by
    bot.exts.picture_forms, bot.exts.song_forms or bot.exts.listing_presses instead, once it is known to be
    none of these."""

    def __init__(self) -> None:
        self._open: set[str] = set()

    def opened(self, custom_id: str) -> None:
        self._open.add(custom_id)

    def closed(self, custom_id: str) -> None:
        self._open.discard(custom_id)

    def __contains__(self, custom_id: object) -> bool:
        return custom_id in self._open
