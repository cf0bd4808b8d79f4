"""Which shard a gateway event goes to, and which IDENTIFY `shard` values Discord refuses.

Discord's "Sharding" (https://discord.com/developers/docs/events/gateway#sharding): each guild's events go to
shard `(guild_id >> 22) % num_shards`; direct messages only to shard 0; a shard connection may hold at most
2500 guilds, beyond which Discord closes it with 4011 Sharding Required. An IDENTIFY whose `shard` is not
`[shard_id, num_shards]` with `0 <= shard_id < num_shards` is closed with 4010 Invalid Shard
(https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes).
"""

from __future__ import annotations

from typing import Any

INVALID_SHARD = 4010
SHARDING_REQUIRED = 4011
MAX_GUILDS_PER_SHARD = 2500

# Events whose payload is the guild itself (its id in "id", not "guild_id").
_GUILD_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_for(guild_id: int | None, num_shards: int) -> int:
    """The shard that receives a guild's events (a direct message, with no guild: shard 0)."""
    return 0 if guild_id is None else (guild_id >> 22) % num_shards


def id_on_shard(snowflake: int, shard_id: int, num_shards: int) -> int:
    """A snowflake a few milliseconds after `snowflake` whose guild lands on `shard_id` of `num_shards`."""
    timestamp = snowflake >> 22
    timestamp += (shard_id - timestamp) % num_shards
    return (timestamp << 22) | (snowflake & ((1 << 22) - 1))


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    raw = data.get("id") if event in _GUILD_EVENTS else data.get("guild_id")
    return int(raw) if raw is not None else None


def parse_shard(raw: Any) -> tuple[int, int] | None:
    """IDENTIFY's `shard` as (shard_id, num_shards); None when Discord would refuse it (4010)."""
    if raw is None:
        return (0, 1)
    if not isinstance(raw, list) or len(raw) != 2 or not all(type(v) is int for v in raw):
        return None
    shard_id, num_shards = raw
    if num_shards < 1 or not 0 <= shard_id < num_shards:
        return None
    return shard_id, num_shards
