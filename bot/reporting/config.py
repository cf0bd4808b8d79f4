"""How often and how hard the bot talks to Discord about a job (tests and benchmarks shorten the waits)."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReportingConfig:
    # At most one progress edit per message in this many seconds.
    edit_interval_s: float = 2.0
    # A budget shared by every job message in one channel: this many progress edits per window.
    channel_edits_per_window: int = 5
    channel_window_s: float = 5.0
    # Interaction tokens live 15 minutes; stop using one a little before, then edit as a channel message.
    token_lifetime_s: float = 14 * 60.0
    # Discord 5xx on an edit or upload: retry this many times, doubling the wait.
    server_error_retries: int = 3
    server_error_backoff_s: float = 0.5
    # Without an interaction (after a restart, a 🔁 reaction) Discord's default upload limit applies.
    default_upload_limit: int = 10 * MIB
    # Refusals of a reaction (there is no interaction to answer privately) are short replies that
    # mention the person and delete themselves after this long.
    notice_ttl_s: float = 15.0
    # How long a final update waits for the command that created the job to say which message shows it.
    message_wait_s: float = 5.0
