"""How /settings shows a guild's policy. Pure functions."""

from __future__ import annotations

import discord
from discord.app_commands import Choice

from bot.locales import Words
from bot.ui.history_render import COLOUR
from core.jobs.policy import PolicyView, RegeneratePermission, SafetyMode

# The catalogue's words for each choice ("settings_show.regenerate.anyone", "settings_show.safety.spoiler").
_REGENERATE = {choice: f"settings_show.regenerate.{choice.value}" for choice in RegeneratePermission}
_SAFETY = {mode: f"settings_show.safety.{mode.value}" for mode in SafetyMode}
# /settings safety: what happens to a result the image checker flags (core.safety.policy).
SAFETY_CHOICES = [
    Choice(name="off", value=SafetyMode.OFF.value),
    Choice(name="spoiler outside age-restricted channels", value=SafetyMode.SPOILER.value),
    Choice(name="hold back outside age-restricted channels", value=SafetyMode.WITHHOLD_OUTSIDE_NSFW.value),
    Choice(name="hold back everywhere", value=SafetyMode.WITHHOLD.value),
]


def _mentions(words: Words, ids: frozenset[int], prefix: str, everywhere: str) -> str:
    if not ids:
        return everywhere
    shown = " ".join(f"<{prefix}{i}>" for i in sorted(ids)[:40])
    return shown + (" " + words("settings_show.more", count=len(ids) - 40) if len(ids) > 40 else "")


def _capped(text: str) -> str:
    return text if len(text) <= 1024 else text[:1020] + " …"


def settings_embed(
    words: Words, policy: PolicyView, *, title: str | None = None, checker_on: bool = True
) -> discord.Embed:
    """`title`: the catalogue's heading for this view ("settings_show.title" unless given); `checker_on`:
    whether this bot runs an image checker (without one, a safety mode does nothing, and says so)."""
    limits = policy.limits
    say = words
    embed = discord.Embed(title=title or say("settings_show.title"), colour=COLOUR)
    channels = _mentions(say, policy.allowed_channel_ids, "#", say("settings_show.every_channel"))
    embed.add_field(name=say("settings_show.channels"), value=channels, inline=False)
    roles = _mentions(say, policy.allowed_role_ids, "@&", say("settings_show.everyone"))
    embed.add_field(name=say("settings_show.roles"), value=roles, inline=False)
    embed.add_field(
        name=say("settings_show.per_member"),
        value=say(
            "settings_show.per_member_value",
            running=limits.max_running_per_user,
            waiting=limits.max_queued_per_user,
        ),
    )
    embed.add_field(
        name=say("settings_show.rate_limit"),
        value=say(
            "settings_show.rate_value", burst=limits.rate_capacity, per_minute=f"{limits.rate_per_minute:g}"
        ),
    )
    built_in = say("settings_show.built_in")
    embed.add_field(
        name=say("settings_show.default_workflows"),
        value=say(
            "settings_show.workflows_value",
            image=policy.default_image_workflow or built_in,
            song=policy.default_song_workflow or built_in,
        ),
    )
    yes, no = say("settings_show.yes"), say("settings_show.no")
    embed.add_field(name=say("settings_show.nsfw_only"), value=yes if policy.nsfw_channels_only else no)
    embed.add_field(
        name=say("settings_show.regenerate"), value=say(_REGENERATE[policy.regenerate_permission])
    )
    pings = say("settings_show.pings_on" if policy.ping_when_done else "settings_show.pings_off")
    embed.add_field(name=say("settings_show.pings"), value=pings)
    private = say("settings_show.private_on") if policy.private_results_allowed else no
    embed.add_field(name=say("settings_show.private"), value=private)
    flagged = say(_SAFETY[policy.safety_mode])
    if not checker_on and policy.safety_mode is not SafetyMode.OFF:
        flagged = f"{flagged}\n{say('settings_show.safety_checker_off')}"
    embed.add_field(name=say("settings_show.flagged"), value=flagged)
    log_channel = policy.moderation_log_channel_id  # set with /settings log channel:, shown nowhere else
    embed.add_field(
        name=say("settings_show.moderation_log"),
        value=f"<#{log_channel}>" if log_channel is not None else say("settings_show.log_not_posted"),
    )
    blocked = ", ".join(f"`{w}`" for w in policy.blocked_words) or say("settings_show.none")
    embed.add_field(name=say("settings_show.blocked_words"), value=_capped(blocked))
    for key, allowed in (
        ("settings_show.models", policy.allowed_models),
        ("settings_show.loras", policy.allowed_loras),
    ):
        listed = ", ".join(f"`{file}`" for file in allowed) or say("settings_show.any_offered")
        embed.add_field(name=say(key), value=_capped(listed), inline=False)
    return embed
