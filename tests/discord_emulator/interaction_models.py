"""The emulated interactions and application commands, as plain mutable records: what the emulator sent
the bot, what the bot answered, and the commands it registered."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from .models import BOT_DM_CONTEXT, GUILD_CONTEXT, GUILD_INSTALL, PRIVATE_CHANNEL_CONTEXT, USER_INSTALL, User


class InteractionType(enum.IntEnum):
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class TokenState(enum.Enum):
    VALID = "valid"
    INVALID_TOKEN = "invalid_token"  # 401, code 50027 Invalid Webhook Token
    UNKNOWN_WEBHOOK = "unknown_webhook"  # 404, code 10015 Unknown Webhook


@dataclass
class Interaction:
    """An interaction the emulator sent, and everything the bot did with it."""

    id: int
    token: str
    type: InteractionType
    guild_id: int | None
    channel_id: int
    user: User
    payload: dict[str, Any]
    created_at: dt.datetime
    source_message_id: int | None = None
    response_type: int | None = None
    response_message_id: int | None = None
    ephemeral: bool = False
    autocomplete_choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    followup_message_ids: list[int] = field(default_factory=list)
    token_state: TokenState = TokenState.VALID
    # Where it was triggered (interaction context type) and for which installations: keys "0"
    # (GUILD_INSTALL: the guild id, or "0" in the bot's DM) and "1" (USER_INSTALL: the authorizing user).
    context: int = GUILD_CONTEXT
    owners: dict[str, str] = field(default_factory=dict)
    # A user-installed app's public answers are made ephemeral where the user may not post them.
    forced_ephemeral: bool = False

    @property
    def user_install_only(self) -> bool:
        """Authorized only by a user's install: the app is not installed where it was used."""
        return set(self.owners) == {str(USER_INSTALL)}

    @property
    def acked(self) -> bool:
        return self.response_type is not None

    @property
    def deferred(self) -> bool:
        return self.response_type in (5, 6)

    @property
    def responded(self) -> bool:
        return self.response_type in (4, 7, 8, 9)


@dataclass
class ApplicationCommand:
    id: int
    guild_id: int | None
    payload: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.payload["name"])

    @property
    def integration_types(self) -> set[int]:
        """Where it is installed: a guild command only by the guild's install; a global one by its
        `integration_types`, which "defaults to GUILD_INSTALL ([0])" (bulk overwrite's JSON params)."""
        if self.guild_id is not None:
            return {GUILD_INSTALL}
        return set(self.payload.get("integration_types") or [GUILD_INSTALL])

    @property
    def contexts(self) -> set[int]:
        """Where it can be used; "defaults to all contexts [0,1,2]". Guild commands work in their guild only
        ("Guild commands don't support the BOT_DM interaction context")."""
        if self.guild_id is not None:
            return {GUILD_CONTEXT}
        declared = self.payload.get("contexts")
        return (
            set(declared)
            if declared is not None
            else {GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT}
        )
