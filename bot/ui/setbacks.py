"""What a member reads when the ComfyUI server under their running job goes away (issue 12 item 3)."""

from __future__ import annotations

from bot.locales import Words
from core.jobs.updates import JobSetback, Setback


def setback_line(words: Words, update: JobSetback) -> str:
    """One plain sentence: what happened to the server (or the disk), and what happens to the job now."""
    if update.setback is Setback.DISK_FULL:
        return words("status.saving_disk_full")
    if update.setback is Setback.SERVER_RESTARTED:
        return words("setbacks.restarted")
    if update.setback is Setback.SERVER_GONE:
        return words("setbacks.gone_elsewhere" if update.other_server else "setbacks.gone_waiting")
    return words("setbacks.away_elsewhere" if update.other_server else "setbacks.away_waiting")
