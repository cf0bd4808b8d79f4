"""Who may see a job through /history, /show and the result lookups.

A job made in a channel the viewer cannot read is another member's business, whoever the viewer is: Discord
lets neither a manager (Manage Server, Manage Messages) nor anyone else read a channel its permissions hide
from them, Administrator aside (whose hidden set is empty). Within what they can read, managers see every
job, deleted, private and held-back ones included.

A job made in a thread is judged by the thread and by the channel it is in (kept with the job), as Discord
gives a thread its channel's permissions: the bot forgets archived threads, not channels. A private thread
is read only by its members and by who has Manage Threads in its channel
(https://discord.com/developers/docs/topics/threads#private-threads): the job keeps that its thread was
private, and others see it only where they are known to read that thread (they ask in it, or the bot knows
them in it) or manage threads in its channel. A job made in a channel deleted since (one the bot no longer
knows, nor its thread) is its maker's and the managers' only: who could read it can no longer be told.

What the bot posts in a channel for all to read is judged by that channel's readers, not by who asks: a
public /history lists, and /show posts, no job made where some of them cannot read (see
bot.ui.readable_channels for who they are), nor any deleted, held-back or (in a listing) private result."""

from __future__ import annotations

from dataclasses import replace

from core.errors import JobNotFound, UserFacingError
from core.jobs.policy import Requester
from core.jobs.scopes import is_personal
from core.texts import Text
from db.enums import SafetyAction
from db.snapshots import JobView

HELD_BACK = Text("safety.dm_held_back", "That result is held back by this server's content settings.")


def visible_to(job: JobView, viewer: Requester | None) -> bool:
    """Others' jobs made where the viewer cannot read are for nobody but them; deleted results, others'
    private ones and results the content settings hold back are for managers only (a `viewer` of None is
    the bot itself)."""
    if viewer is None:
        return True
    if not _made_where_readable(job, viewer) and job.user_id != viewer.user_id:
        return False
    if viewer.is_manager:
        return True
    if job.safety_action is SafetyAction.WITHHELD:
        return False
    return job.deleted_at is None and (not job.private or job.user_id == viewer.user_id)


def _made_where_readable(job: JobView, viewer: Requester) -> bool:
    """Not in a channel hidden from `viewer`, nor in a thread of one, nor in a private thread they do not
    read (db.repositories.jobs has the SQL twin of this rule)."""
    if _made_where_hidden(job, viewer.hidden_channel_ids):
        return False
    if not viewer.is_manager and _made_where_gone(job, viewer.known_channel_ids):
        return False
    # Who asks in a thread reads it (a button pressed on a result there: its requester knows no more).
    read = viewer.private_threads_read | {viewer.channel_id}
    return not _in_unread_private_thread(job, read, viewer.threads_managed_in)


def _made_where_gone(job: JobView, known_channel_ids: frozenset[int] | None) -> bool:
    """Made in a channel deleted since (or a thread of one): in none of the places the bot knows."""
    if known_channel_ids is None:
        return False
    return job.channel_id not in known_channel_ids and job.parent_channel_id not in known_channel_ids


def _in_unread_private_thread(job: JobView, read: frozenset[int], managed_in: frozenset[int]) -> bool:
    """Made in a private thread, which Discord opens only to its members and to who has Manage Threads in
    its channel: neither one of `read`, nor in one of the channels `managed_in`."""
    return job.in_private_thread and job.channel_id not in read and job.parent_channel_id not in managed_in


def _made_where_hidden(job: JobView, hidden_channel_ids: frozenset[int]) -> bool:
    """Whether the channel or thread `job` was made in, or the channel that thread is in, is hidden."""
    return job.channel_id in hidden_channel_ids or job.parent_channel_id in hidden_channel_ids


def shown_privately(job: JobView | None, viewer: Requester) -> bool:
    """Whether /show answers `viewer` alone instead of posting `job` in the channel they ask in: what a
    manager alone may see, or a job made where some of the channel's readers cannot read, or in a channel
    deleted since (whoever made it:
    the place is the server's rule, not the maker's). A private thread's job is posted in that thread
    only. A job not yet known (None) is answered privately: where it was made is not known."""
    if job is None:
        return True
    return (
        seen_as_manager_only(job, viewer)
        or _made_where_hidden(job, viewer.hidden_from_channel_readers)
        or _made_where_gone(job, viewer.known_channel_ids)
        or _in_unread_private_thread(job, frozenset({viewer.channel_id}), frozenset())
    )


def seen_as_manager_only(job: JobView, viewer: Requester) -> bool:
    """Whether `viewer` sees this job only because they manage the server: what the channel must not be
    shown on their behalf (a deleted result, another member's private one, a held-back one)."""
    return viewer.is_manager and not visible_to(job, replace(viewer, is_manager=False))


def not_visible(job_id: int, scope: int, job: JobView | None, viewer: Requester | None) -> UserFacingError:
    """The refusal for a job `viewer` may not see (or that does not exist): its requester hears that their
    result is held back, as they were told when it ended; anyone else, that there is no such job."""
    if (
        job is not None
        and viewer is not None
        and job.user_id == viewer.user_id
        and job.safety_action is SafetyAction.WITHHELD
        and job.deleted_at is None
    ):
        return UserFacingError(HELD_BACK)
    return JobNotFound(job_id, personal=is_personal(scope))
