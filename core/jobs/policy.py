"""A guild's rules, applied to a request before it is queued."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from core.errors import BlockedWordFound, ChannelNotAllowed, NotAllowed
from core.jobs.blocked_words import BlockedWords, compile_blocked_words
from core.jobs.scopes import is_personal
from core.queue.limits import GuildLimits
from core.texts import Text
from db.enums import RegeneratePermission as RegeneratePermission  # a word of the policy, for the front-end
from db.enums import SafetyMode as SafetyMode
from db.models import GuildPolicy
from db.units.policies import PolicyStore


@dataclass(frozen=True, slots=True)
class PolicyView:
    guild_id: int
    allowed_channel_ids: frozenset[int]
    allowed_role_ids: frozenset[int]
    limits: GuildLimits
    default_image_workflow: str | None
    default_song_workflow: str | None
    blocked_words: tuple[str, ...]
    nsfw_channels_only: bool
    regenerate_permission: RegeneratePermission
    ping_when_done: bool = True  # members hear when their job ends, unless they chose otherwise
    # Models and LoRAs members may choose (empty: whatever a backend offers).
    allowed_models: tuple[str, ...] = ()
    allowed_loras: tuple[str, ...] = ()
    # Where moderation log entries are also posted (None: only /settings log lists them).
    moderation_log_channel_id: int | None = None
    # Members' "private results" preference applies here (core.jobs.privacy); off: every reply is public.
    private_results_allowed: bool = True
    # What happens to a result the image classifier flags (core.safety.policy).
    safety_mode: SafetyMode = SafetyMode.OFF
    # blocked_words compiled, once per view (and once per distinct list: views are re-read every 30 s).
    blocked: BlockedWords = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocked", compile_blocked_words(tuple(self.blocked_words)))

    def default_workflow(self, kind: str) -> str | None:
        """The workflow this guild chose for a kind (None: the kind's own default).

        The guild policy stores a choice for the first two kinds only; other kinds use their default.
        """
        chosen = {"image": self.default_image_workflow, "song": self.default_song_workflow}
        return chosen.get(kind)

    @classmethod
    def defaults(cls, guild_id: int) -> PolicyView:
        return cls(
            guild_id=guild_id,
            allowed_channel_ids=frozenset(),
            allowed_role_ids=frozenset(),
            limits=GuildLimits(),
            default_image_workflow=None,
            default_song_workflow=None,
            blocked_words=(),
            nsfw_channels_only=False,
            regenerate_permission=RegeneratePermission.REQUESTER,
        )

    @classmethod
    def personal(cls, scope: int, limits: GuildLimits) -> PolicyView:
        """One person's use of the app outside the servers it is installed in: no server's rules (no
        channel, role or word lists), only the per-person caps and rate the bot's operator set."""
        return replace(cls.defaults(scope), limits=limits)

    @classmethod
    def of(cls, row: GuildPolicy) -> PolicyView:
        return cls(
            guild_id=row.guild_id,
            allowed_channel_ids=frozenset(int(c) for c in row.allowed_channel_ids or ()),
            allowed_role_ids=frozenset(int(r) for r in row.allowed_role_ids or ()),
            limits=GuildLimits(
                max_running_per_user=row.max_running_per_user,
                max_queued_per_user=row.max_queued_per_user,
                rate_capacity=row.rate_capacity,
                rate_per_minute=row.rate_refill_per_minute,
            ),
            default_image_workflow=row.default_image_workflow,
            default_song_workflow=row.default_song_workflow,
            blocked_words=tuple(w.lower() for w in row.blocked_words or () if w.strip()),
            nsfw_channels_only=row.nsfw_channels_only,
            regenerate_permission=row.regenerate_permission,
            ping_when_done=row.ping_when_done,
            allowed_models=tuple(row.allowed_models or ()),
            allowed_loras=tuple(row.allowed_loras or ()),
            moderation_log_channel_id=row.moderation_log_channel_id,
            private_results_allowed=row.private_results_allowed,
            safety_mode=row.safety_mode,
        )


@dataclass(frozen=True, slots=True)
class Requester:
    """Who asks, and where: all the policy needs to know about a Discord member and channel."""

    user_id: int
    channel_id: int
    role_ids: frozenset[int] = frozenset()
    # Asked in a thread (or a forum's post): the channel it is in, whose place in the server's rules it has.
    parent_channel_id: int | None = None
    in_private_thread: bool = False  # that thread is private (the job keeps it: core.jobs.visibility)
    channel_is_nsfw: bool = False
    is_manager: bool = False
    # The Discord locale its answers are written in ("de"); None: English.
    locale: str | None = None
    # The server's channels and threads this member cannot read (View Channel and Read Message History,
    # as Discord computes them): other members' jobs made there are not theirs to see (core.jobs.visibility).
    # Filled in only where jobs are looked at; empty elsewhere and in a personal scope.
    hidden_channel_ids: frozenset[int] = frozenset()
    # A private thread is read by its members and by who has Manage Threads in its channel, not by all who
    # read that channel: the private threads this member is known to read, and the channels where they
    # have Manage Threads. Filled in with hidden_channel_ids; others' jobs made in other private threads
    # are not theirs to see.
    private_threads_read: frozenset[int] = frozenset()
    threads_managed_in: frozenset[int] = frozenset()
    # The server's channels and threads the bot knows of: a job made in none of them (nor in a thread of
    # one) was made in a channel deleted since, and is its maker's and managers' only. None: not judged
    # (a personal scope, or where jobs are not looked at).
    known_channel_ids: frozenset[int] | None = None
    # The server's channels and threads that some member who reads the channel asked in may not read: what
    # the bot posts there for all to read shows no job made in them (core.jobs.visibility). Filled in with
    # hidden_channel_ids.
    hidden_from_channel_readers: frozenset[int] = frozenset()


def check_request(policy: PolicyView, who: Requester, texts: Iterable[str]) -> None:
    """Raise NotAllowed with a sentence that says what to do, if the policy refuses this request."""
    if who.is_manager:
        allowed_here = True
    else:
        allowed = policy.allowed_channel_ids
        allowed_here = not allowed or who.channel_id in allowed or who.parent_channel_id in allowed
    if not allowed_here:
        raise ChannelNotAllowed(sorted(policy.allowed_channel_ids)[:5])
    if policy.allowed_role_ids and not who.is_manager and not (policy.allowed_role_ids & who.role_ids):
        raise NotAllowed(
            Text("refusal.role", "You need one of this server's allowed roles to use me. Ask a moderator."),
            rule="role",
        )
    if policy.nsfw_channels_only and not who.channel_is_nsfw:
        raise NotAllowed(
            Text("refusal.nsfw_only", "This server allows generation only in age-restricted channels."),
            rule="nsfw_channel",
        )
    for text in texts:
        blocked = policy.blocked.found_in([text])
        if blocked is not None:
            raise BlockedWordFound(blocked, excerpt=text)


class PolicyCache:
    """Guild policies read once and kept for a short while: the hot path must not wait on the database.
    A change made here is kept at once (`remember`); one made by another process is heard of through the
    workers' messages and dropped (`forget`), the short while covering a message missed.

    A personal scope (core.jobs.scopes) has no row: its policy is made from `personal_limits`.
    """

    def __init__(
        self, store: PolicyStore, *, ttl_s: float = 30.0, personal_limits: GuildLimits | None = None
    ) -> None:
        self.store = store
        self._ttl_s = ttl_s
        self._cached: dict[int, tuple[float, PolicyView]] = {}
        self.personal_limits = replace(personal_limits or GuildLimits(), personal=True)

    def peek(self, guild_id: int) -> PolicyView | None:
        if is_personal(guild_id):
            return PolicyView.personal(guild_id, self.personal_limits)
        cached = self._cached.get(guild_id)
        return cached[1] if cached else None

    async def get(self, guild_id: int) -> PolicyView:
        if is_personal(guild_id):
            return PolicyView.personal(guild_id, self.personal_limits)
        now = time.monotonic()
        cached = self._cached.get(guild_id)
        if cached is not None and now - cached[0] < self._ttl_s:
            return cached[1]
        row = await self.store.get(guild_id)
        # A guild nobody configured has no row: reading the defaults must not cost a write.
        view = PolicyView.of(row) if row is not None else PolicyView.defaults(guild_id)
        self._cached[guild_id] = (now, view)
        return view

    def remember(self, view: PolicyView) -> None:
        self._cached[view.guild_id] = (time.monotonic(), view)

    def forget(self, guild_id: int) -> None:
        """Another process changed this guild's policy: read it again when next asked."""
        self._cached.pop(guild_id, None)

    def limits_for(self, guild_id: int) -> GuildLimits:
        view = self.peek(guild_id)
        return view.limits if view else GuildLimits()
