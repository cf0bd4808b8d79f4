"""What a member reads when the ComfyUI server under their running job goes away (issue 12 item 3)."""

from __future__ import annotations

from bot.locales import Catalogue, Words
from core.jobs.updates import JobSetback, Setback


def setback_line(update: JobSetback, words: Words | None = None) -> str:
    """One plain sentence: what happened to the server (or the disk), and what happens to the job now."""
    if update.setback is Setback.DISK_FULL:
        return (words or Words(Catalogue.shipped()))("status.saving_disk_full")
    if update.setback is Setback.SERVER_RESTARTED:
        return "🔁 The ComfyUI server restarted and lost its work. Your job starts again in a moment."
    if update.setback is Setback.SERVER_GONE:
        if update.other_server:
            return "🔁 The ComfyUI server did not come back. Your job moves to another server."
        return "⏳ The ComfyUI server has not come back yet. Your job resumes as soon as it does."
    if update.other_server:
        return "⚠️ The ComfyUI server stopped answering. Your job resumes there or on another server."
    return "⚠️ The ComfyUI server stopped answering. Your job resumes as soon as it is back."
