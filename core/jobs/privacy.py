"""Private results (issue 16): whether a request is answered for its requester's eyes only.

A member chooses it with /preferences (stored as `private_results`); a guild's managers may forbid it with
/settings private-results (a server that moderates what is made wants every result in the open), and then
every reply there is public whatever the member chose. Something made from a private result (its buttons:
Vary, Upscale, Redo...) is private too, under the same guild rule. A personal scope (the app used outside
its servers, core.jobs.scopes) has no guild to forbid it.

Discord fixes a reply's privacy with its first answer (the EPHEMERAL flag of the deferral; an edit cannot
change it), so the decision comes before that answer: one primary-key read of the member's row and the
guild's policy, which is cached (core.jobs.policy.PolicyCache).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.jobs.policy import PolicyCache
from db.units.preferences import PreferenceSnapshot, PreferenceStore


class ResultPrivacy:
    def __init__(self, policies: PolicyCache, preferences: PreferenceStore) -> None:
        self._policies = policies
        self._preferences = preferences

    async def private(
        self,
        scope: int,
        user_id: int,
        *,
        from_private: bool = False,
        preferences: Callable[[], Awaitable[PreferenceSnapshot]] | None = None,
    ) -> bool:
        """Whether this member's request here gets a private reply; `from_private`: it is made from a
        private result (a button on one). `preferences` reads the member's choices when they are needed
        (the front-end reads them once per interaction); by default from the store."""
        if not await self.allowed(scope):
            return False
        if from_private:
            return True
        chosen = await (preferences() if preferences is not None else self._preferences.get(user_id))
        return bool(chosen.private_results)

    async def allowed(self, scope: int) -> bool:
        return (await self._policies.get(scope)).private_results_allowed
