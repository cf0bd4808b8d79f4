"""How /settings shows a guild's policy. Pure functions."""

from __future__ import annotations

import discord
from discord.app_commands import Choice

from bot.ui.history_render import COLOUR
from core.jobs.policy import PolicyView, RegeneratePermission, SafetyMode

_REGENERATE = {
    RegeneratePermission.ANYONE: "anyone (as their own job)",
    RegeneratePermission.REQUESTER: "only the person who asked (and moderators)",
}

_SAFETY = {
    SafetyMode.OFF: "shown as they are",
    SafetyMode.SPOILER: "behind a spoiler outside age-restricted channels",
    SafetyMode.WITHHOLD_OUTSIDE_NSFW: "held back outside age-restricted channels",
    SafetyMode.WITHHOLD: "held back everywhere",
}
# /settings safety: what happens to a result the image checker flags (core.safety.policy).
SAFETY_CHOICES = [
    Choice(name="off", value=SafetyMode.OFF.value),
    Choice(name="spoiler outside age-restricted channels", value=SafetyMode.SPOILER.value),
    Choice(name="hold back outside age-restricted channels", value=SafetyMode.WITHHOLD_OUTSIDE_NSFW.value),
    Choice(name="hold back everywhere", value=SafetyMode.WITHHOLD.value),
]


def _mentions(ids: frozenset[int], prefix: str, everywhere: str) -> str:
    if not ids:
        return everywhere
    shown = " ".join(f"<{prefix}{i}>" for i in sorted(ids)[:40])
    return shown + (f" and {len(ids) - 40} more" if len(ids) > 40 else "")


def settings_embed(policy: PolicyView, *, title: str = "Settings for this server") -> discord.Embed:
    limits = policy.limits
    embed = discord.Embed(title=title, colour=COLOUR)
    embed.add_field(
        name="Channels", value=_mentions(policy.allowed_channel_ids, "#", "every channel"), inline=False
    )
    embed.add_field(name="Roles", value=_mentions(policy.allowed_role_ids, "@&", "everyone"), inline=False)
    embed.add_field(
        name="Per member",
        value=f"{limits.max_running_per_user} running, {limits.max_queued_per_user} waiting",
    )
    embed.add_field(
        name="Rate limit",
        value=f"bursts of {limits.rate_capacity}, then {limits.rate_per_minute:g} per minute",
    )
    embed.add_field(
        name="Default workflows",
        value=(
            f"image: {policy.default_image_workflow or 'built-in'}\n"
            f"song: {policy.default_song_workflow or 'built-in'}"
        ),
    )
    embed.add_field(name="Age-restricted channels only", value="yes" if policy.nsfw_channels_only else "no")
    embed.add_field(name="Who may regenerate", value=_REGENERATE[policy.regenerate_permission])
    pings = "yes (members may opt out with /notify)" if policy.ping_when_done else "no (members may opt in)"
    embed.add_field(name="Ping when a job ends", value=pings)
    private = "allowed (members choose with /preferences)" if policy.private_results_allowed else "no"
    embed.add_field(name="Private results", value=private)
    embed.add_field(name="Results the image checker flags", value=_SAFETY[policy.safety_mode])
    words = ", ".join(f"`{w}`" for w in policy.blocked_words) or "none"
    embed.add_field(name="Blocked words", value=words if len(words) <= 1024 else words[:1020] + " …")
    for name, allowed in (("Models", policy.allowed_models), ("LoRAs", policy.allowed_loras)):
        listed = ", ".join(f"`{file}`" for file in allowed) or "any a server offers"
        embed.add_field(
            name=name, value=listed if len(listed) <= 1024 else listed[:1020] + " …", inline=False
        )
    return embed
