"""Logging, configured once at start: readable console lines or JSON, with secrets scrubbed."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from background.log_context import LogContextFilter, context_prefix

if TYPE_CHECKING:
    from bot.settings import Settings

# Discord bot tokens, webhook/interaction tokens in URLs, and interaction tokens anywhere (base64 of
# "interaction…": a job keeps its token, and SQLAlchemy's DEBUG lines show parameters).
_PATTERNS = (
    re.compile(r"[MN][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"),
    re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_.-]{20,}"),
    re.compile(r"aW50ZXJhY3Rpb24[A-Za-z0-9_.=-]{16,}"),
)
# A URL's userinfo, all of it: a password (user:key@, :key@), and a user name alone too, which is how an API
# key is often given to a proxy (https://key@host). It ends at the authority's last "@" (a raw "@" inside a
# password included), before any "/", "?" or "#": "host:8188/messages/@original" carries none.
_URL_USERINFO = re.compile(r"(://)[^\s/?#]+@")


def operator_secrets(settings: Settings) -> tuple[str, ...]:
    """What the log scrubs, and every text shown from what a server said (a failed job's detail, in /show
    and the log channel): one list, so a secret added here is kept out of all of them."""
    return (settings.discord_token.get_secret_value(), settings.database_password)


class SecretScrubber(logging.Filter):
    """Replaces known secrets and secret-shaped strings in every record's final message."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        text = _PATTERNS[0].sub("[token]", text)
        text = _PATTERNS[1].sub(r"\1[token]", text)
        text = _PATTERNS[2].sub("[token]", text)
        return redact_url_credentials(text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = self.scrub(record.getMessage())
        record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


LIBRARY_LOGGERS = ("alembic", "discord", "aiohttp", "asyncpg", "sqlalchemy", "websockets")


class ConsoleFormatter(logging.Formatter):
    """One readable line; a job's ids (from the log context) come before its message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(context)s%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.context = context_prefix(record)
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One document per line; a job's ids (from the log context) are fields of their own."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        document.update(getattr(record, "log_context", {}))
        if record.exc_text:
            document["exception"] = record.exc_text
        return json.dumps(document, ensure_ascii=False)


def configure_logging(
    level: str = "INFO", fmt: str = "console", secrets: Iterable[str] = (), stream: TextIO | None = None
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(LogContextFilter())
    handler.addFilter(SecretScrubber(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else ConsoleFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # The libraries' INFO lines (alembic's plugins, discord.py's login and shard notes) tell a self-hoster
    # nothing the bot's own start-up lines do not; at DEBUG everything is shown, for troubleshooting.
    library_level = logging.NOTSET if root.level <= logging.DEBUG else logging.WARNING
    for library in LIBRARY_LOGGERS:
        logging.getLogger(library).setLevel(library_level)
    # The gateway's DEBUG stream is every event Discord sends: too much even for troubleshooting.
    logging.getLogger("discord.gateway").setLevel(max(root.level, logging.WARNING))
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def quieter(level: str) -> str:
    """At least WARNING: for terminal commands whose own output is the report."""
    chosen = logging.getLevelName(level.upper())
    if isinstance(chosen, int) and chosen > logging.WARNING:
        return level.upper()
    return "WARNING"


def redact_url_credentials(text: str) -> str:
    """`scheme://user:secret@host` and `scheme://key@host` → `scheme://[credentials]@host`: what every log
    line goes through, and every other text that may show a URL (/healthz, /metrics, reports, `check`)."""
    return _URL_USERINFO.sub(r"\1[credentials]@", text)
