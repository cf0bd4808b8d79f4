"""A guild's policy, read and changed by /settings: validated, stored, and seen at once by the queue."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from core.errors import UserFacingError
from core.jobs.policy import PolicyCache, PolicyView
from core.texts import Text
from core.validation_reasons import reason_for
from db.models import GuildPolicy
from db.schemas import InvalidInput

# Given the policy as it is when the change runs, the GuildPolicy columns to change; may raise to refuse.
PolicyChange = Callable[[PolicyView], Mapping[str, Any]]


class GuildPolicies:
    def __init__(self, policies: PolicyCache) -> None:
        self._policies = policies

    async def get(self, guild_id: int) -> PolicyView:
        return await self._policies.get(guild_id)

    async def update(self, guild_id: int, changes: Mapping[str, Any]) -> PolicyView:
        """Set these columns to these values; a bad value raises UserFacingError naming the field."""
        return await self.change(guild_id, lambda _: changes)

    async def change(self, guild_id: int, change: PolicyChange) -> PolicyView:
        """Apply `change` to the stored policy in one transaction: "allow this channel" adds to the list as
        it is then, so two admins (or two workers) changing it at once both keep their change."""

        def edit(row: GuildPolicy) -> Mapping[str, Any]:
            return change(PolicyView.of(row))

        try:
            row = await self._policies.store.change(guild_id, edit)
        except (InvalidInput, ValidationError) as exc:
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e.get("loc")) or "settings"
            reason = reason_for(exc.errors()[0])
            raise UserFacingError(
                Text(
                    "settings.not_valid",
                    f"That setting is not valid ({fields}): {reason}.",
                    {"fields": fields, "reason": reason},
                )
            ) from exc
        view = PolicyView.of(row)
        self._policies.remember(view)
        return view
