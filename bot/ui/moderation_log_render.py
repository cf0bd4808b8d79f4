"""How a moderation log entry reads: in /settings log (a page, newest first) and in the log channel."""

from __future__ import annotations

import discord

from bot.locales import Words
from core.moderation.log import LoggedEntry, LogPage

# The rules the core names (core.moderation.refusals, the classifier); a detail follows a colon.
_RULES = (
    "blocked_word",
    "nsfw_channel",
    "channel",
    "role",
    "not_allowed_model",
    "not_allowed_lora",
    "flagged_input",
    "flagged_result",
)
COLOUR = discord.Colour.dark_orange()


def rule_label(rule: str, say: Words) -> str:
    """ "blocked_word:gore" -> "Blocked word (gore)"; a rule this front-end does not know, as written.
    The rule's name is read in any case: entries logged before rules were written in lower case say
    "not_allowed_LoRA:ink"."""
    name, _, detail = rule.partition(":")
    name = name.lower()
    if name not in _RULES:
        return discord.utils.escape_markdown(rule)
    label = say(f"modlog.rule.{name}")
    return f"{label} ({discord.utils.escape_markdown(detail)})" if detail else label


def entry_line(entry: LoggedEntry, say: Words) -> str:
    """Two lines: when, who, what happened and why; then the excerpt, quoted."""
    when = discord.utils.format_dt(entry.at, "f")
    head = f"{when} · <@{entry.user_id}> · **{say(f'modlog.action.{entry.action.value}')}** · "
    head += rule_label(entry.rule, say)
    if entry.job_id is not None:
        head += " · " + say("modlog.job", job_id=entry.job_id)
    excerpt = discord.utils.escape_mentions(discord.utils.escape_markdown(entry.excerpt)) or "—"
    return f"{head}\n> {excerpt}"


def log_page_embed(page: LogPage, *, page_number: int, keep_days: float, say: Words) -> discord.Embed:
    lines = [entry_line(entry, say) for entry in page.entries]
    embed = discord.Embed(
        title=say("modlog.title"),
        description="\n\n".join(lines) if lines else say("modlog.empty"),
        colour=COLOUR,
    )
    embed.set_footer(text=say("modlog.footer", page=page_number, days=f"{keep_days:g}"))
    return embed


def posted_entry_embed(entry: LoggedEntry, say: Words) -> discord.Embed:
    """The log channel's message for one entry."""
    return discord.Embed(description=entry_line(entry, say), colour=COLOUR)
