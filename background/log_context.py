"""Which job a log line is about travels with the code that runs it, not in the line's format string.

The ids (job, guild, prompt, user) live in a context variable: asyncio gives every task a copy of the
context it was created in, so a job's task and every task it spawns carry its ids, and `LogContextFilter`
puts them on each record (console lines show them before the message, JSON lines as fields).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

FIELDS = ("job_id", "guild_id", "prompt_id", "user_id")
LogId = int | str

_EMPTY: Mapping[str, LogId] = MappingProxyType({})
_ids: ContextVar[Mapping[str, LogId]] = ContextVar("log_context", default=_EMPTY)


def _merged(ids: Mapping[str, LogId | None]) -> Mapping[str, LogId]:
    current = dict(_ids.get())
    current.update({name: value for name, value in ids.items() if value is not None})
    return MappingProxyType(current)


@contextmanager
def log_context(**ids: LogId | None) -> Iterator[None]:
    """Lines logged inside the block (and by tasks created in it) carry these ids."""
    token = _ids.set(_merged(ids))
    try:
        yield
    finally:
        _ids.reset(token)


def bind_log_context(**ids: LogId | None) -> None:
    """From here on, in this task (and the tasks it creates), lines carry these ids too."""
    _ids.set(_merged(ids))


def current_log_context() -> Mapping[str, LogId]:
    return _ids.get()


class LogContextFilter(logging.Filter):
    """Copies the current ids onto each record as attributes, and as one `log_context` mapping."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = _ids.get()
        record.log_context = ids
        for name, value in ids.items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


def context_prefix(record: logging.LogRecord) -> str:
    """`job_id=7 guild_id=3 ` for a record with ids (in FIELDS' order), '' for one without."""
    ids: Mapping[str, LogId] = getattr(record, "log_context", _EMPTY)
    return "".join(f"{name}={ids[name]} " for name in FIELDS if name in ids)
