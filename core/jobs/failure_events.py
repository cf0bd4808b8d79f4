"""Who hears that a job failed for a reason that is not its member's: the server refused or broke the
workflow, ran out of memory, took too long or went away, the bot could not keep the result.

Cancelled jobs never fail, and a refusal of a value the member chose (core.jobs.refusal_texts) is theirs to
put right, so neither is heard here. A listener is called on the event loop right after the failure is
written; one that raises is logged and the others still hear (as core.jobs.delivery_events).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from core.texts import Text
from db.snapshots import JobView

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ServerFailure:
    job: JobView
    reason: Text | str  # what its member was told
    detail: str = field(repr=False)  # what the server said: the operator's (and managers') to read

    @property
    def reason_key(self) -> str:
        """Failures alike say the same English sentence (a Text's values included)."""
        return str(self.reason)


FailureListener = Callable[[ServerFailure], None]


class FailureEvents:
    def __init__(self) -> None:
        self._listeners: list[FailureListener] = []

    def subscribe(self, listener: FailureListener) -> Callable[[], None]:
        """Hear every such failure from now on; the returned callable stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def failed(self, failure: ServerFailure) -> None:
        for listener in list(self._listeners):
            try:
                listener(failure)
            except Exception:
                log.exception("a failure listener failed")
