"""Whose rules, turn in the queue and history a job belongs to: a server's, or one person's.

A job's `guild_id` is its scope. When the app is installed in the server a request comes from, the scope
is that server's id: its admins' /settings govern the request, its members share one turn in the fair
queue, and /history there shows the server's jobs. A request made through the app installed to someone's
own account, from a place the app is not installed in (a DM, a group DM, a server without the bot), belongs
to that person alone: its scope is their personal scope, the negative of their user id (Discord's
snowflakes are positive, so a personal scope never meets a server's). There no server's rules apply but the
per-person caps and rate (PERSONAL_* settings), the person is their own group in the fair queue, and
/history, /show and /cancel find only their own jobs.
"""

from __future__ import annotations


def personal_scope(user_id: int) -> int:
    return -user_id


def is_personal(scope: int) -> bool:
    return scope < 0
