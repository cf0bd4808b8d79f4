"""Where a job is shown from the start: a gateway process's interaction, kept with the job for the workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ShownOn:
    """An interaction's response message and its token: a worker in another process edits it with them."""

    message_id: int
    token: str
    token_expires_at: datetime
    # The bytes a message of the interaction may carry (its attachment_size_limit: a boosted server's are
    # more than Discord's default), so a worker uploads as much as the command could.
    upload_limit: int | None = None
