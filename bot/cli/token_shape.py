"""Does DISCORD_TOKEN look like a bot token? Checked offline, and the token is never echoed back."""

from __future__ import annotations

import base64
import binascii
import re

from bot.cli.check_result import CheckResult

_PART = re.compile(r"^[A-Za-z0-9_-]+$")
_PORTAL = "https://discord.com/developers/applications → your application → Bot → Reset Token"


def check_token_shape(token: str) -> CheckResult:
    """A bot token is three base64url parts joined by dots; the first one is the bot's user id."""
    stripped = token.strip()
    if not stripped:
        return CheckResult.failed(
            "DISCORD_TOKEN is not set", f"put the bot's token in DISCORD_TOKEN ({_PORTAL})"
        )
    if stripped != token or stripped[0] in "\"'":
        return CheckResult.failed(
            "DISCORD_TOKEN has spaces or quotes around it", "remove the spaces and quotes around the token"
        )
    if stripped.lower().startswith("bot "):
        return CheckResult.failed(
            "DISCORD_TOKEN starts with 'Bot '", "remove the 'Bot ' prefix: give the token alone"
        )
    parts = stripped.split(".")
    if len(parts) != 3 or not all(_PART.match(part) for part in parts):
        return CheckResult.failed(
            f"DISCORD_TOKEN does not look like a bot token ({len(parts)} dot-separated part(s), "
            f"{len(stripped)} characters; a bot token has 3 parts of base64url characters)",
            f"copy the token itself, not the client secret or the application id ({_PORTAL})",
        )
    if not _decodes_to_user_id(parts[0]):
        return CheckResult.failed(
            "DISCORD_TOKEN's first part is not a user id (the token is damaged or is not a bot token)",
            f"copy the whole token again ({_PORTAL})",
        )
    return CheckResult.passed("DISCORD_TOKEN has the shape of a bot token (not shown)")


def _decodes_to_user_id(part: str) -> bool:
    try:
        decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.isdigit()
