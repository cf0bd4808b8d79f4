"""The refusals a request would meet, decided before Discord is answered.

The front-end must answer an interaction within 3 seconds, and a refusal must be private from its first
byte: a public "thinking…" in a channel the bot will not serve is already a leak. So the checks that need
no job (the guild's rules, the workflow's name, the caps and the rate limit) run first, here; `submit`
runs them again, atomically, because things change in between. Nothing is taken or written here.

Everything comes from memory, so the answer is not slowed: the cached policy (even a little stale: submit
reads it fresh), the catalogue, the rate bucket, and the queued jobs the dispatcher holds (every worker
hears of every queued job). Only a guild never seen since start costs one read of its policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import LimitReached, NotAllowed
from core.jobs.policy import PolicyCache, PolicyView, Requester, check_request
from core.kinds import JobKind, KindParams, spec_of
from core.moderation import ModerationLog, NullModerationLog
from core.moderation.refusals import record_refusal
from core.queue.limits import UserLoad, check_can_queue, check_room, rate_limited_message
from core.queue.token_bucket import TokenBucket


@dataclass(frozen=True, slots=True)
class Ask:
    """What is known of a request before its job exists (a /song form not yet filled in has no lyrics)."""

    guild_id: int
    requester: Requester
    kind: JobKind
    workflow: str | None = None
    params: KindParams | None = None
    # Jobs asked for at once: a permutation prompt's (core.prompts.permutations), each one of the queue's.
    count: int = 1


class Admission:
    def __init__(
        self,
        *,
        policies: PolicyCache,
        queued_for: Callable[[int, int], int],
        template_for: Callable[[JobKind, str | None, PolicyView, KindParams | None], object],
        buckets: dict[int, TokenBucket],
        clock: Callable[[], float] = time.monotonic,
        moderation: ModerationLog | None = None,
    ) -> None:
        self._policies = policies
        self._moderation = moderation or NullModerationLog()
        self._queued_for = queued_for
        self._template_for = template_for
        self._buckets = buckets
        self._clock = clock

    async def check(self, ask: Ask) -> None:
        """Raise the UserFacingError `submit` would raise for this request now, if any."""
        policy = self._policies.peek(ask.guild_id) or await self._policies.get(ask.guild_id)
        texts = screened_texts(ask.params)
        try:
            check_request(policy, ask.requester, texts)
            self._template_for(ask.kind, ask.workflow, policy, ask.params)
        except NotAllowed as refusal:
            await record_refusal(
                self._moderation, refusal, guild_id=ask.guild_id, user_id=ask.requester.user_id, texts=texts
            )
            raise
        queued = self._queued_for(ask.guild_id, ask.requester.user_id)
        check_can_queue(policy.limits, UserLoad(queued=queued, running=0))
        check_room(policy.limits, queued, ask.count)
        bucket = self._buckets.get(ask.guild_id)
        wait = bucket.seconds_until_tokens(self._clock(), ask.count) if bucket is not None else 0.0
        if wait > 0:
            raise LimitReached(rate_limited_message(wait, policy.limits.personal), retry_after_s=wait)

    async def check_posting_again(self, guild_id: int, viewer: Requester, *, asked: str) -> None:
        """Raise the refusal the guild's rules on where and by whom I am used (its channels, roles,
        age-restricted channels only) give posting results here again (/show, a public /history listing),
        logged for the guild's managers as a request's is; `asked` says what was asked, for the log."""
        policy = await self._policies.get(guild_id)
        try:
            check_request(policy, viewer, ())
        except NotAllowed as refusal:
            await record_refusal(
                self._moderation, refusal, guild_id=guild_id, user_id=viewer.user_id, texts=[asked]
            )
            raise


def screened_texts(params: KindParams | None) -> list[str]:
    """What is checked against blocked words: the words the request's kind says it asks for."""
    if params is None:
        return []
    return spec_of(params).screened_texts(params)
