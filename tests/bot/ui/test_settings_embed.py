"""/settings show: every rule an admin can set is shown, down to where the moderation log is posted."""

from __future__ import annotations

from dataclasses import replace

from bot.locales import Catalogue, Words
from bot.ui.settings_embed import settings_embed
from core.jobs.policy import PolicyView


def shown(language: str, policy: PolicyView) -> dict[str, str]:
    embed = settings_embed(Words(Catalogue.shipped(), language), policy)
    return {field.name or "": field.value or "" for field in embed.fields}


def test_the_moderation_log_channel_is_shown_once_one_is_set() -> None:
    """Set with /settings log channel:, it was shown nowhere: an admin could not find where entries go."""
    policy = PolicyView.defaults(1)
    assert shown("en", policy)["Moderation log posted in"] == "no channel (`/settings log channel:` sets one)"
    assert (
        shown("de", replace(policy, moderation_log_channel_id=42))["Moderationsprotokoll gepostet in"]
        == "<#42>"
    )
