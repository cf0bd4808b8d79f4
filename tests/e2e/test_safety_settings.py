"""Content settings that would not do what a manager expects are said so when chosen: /settings safety on a
bot whose image checker is off (the optional extra not installed, or turned off by its operator), and
/settings nsfw-only in a server with no age-restricted channel yet."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.admin_support import world_with_admin
from tests.e2e.test_history_support import answer
from tests.e2e.test_settings import settings


def _flagged_field(embeds: list[dict[str, object]]) -> str:
    [embed] = embeds
    fields = embed["fields"]
    assert isinstance(fields, list)
    [value] = [f["value"] for f in fields if f["name"] == "Results the image checker flags"]
    return str(value)


async def test_a_safety_mode_chosen_while_the_checker_is_off_says_it_is_not_in_effect(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):  # no classifier
        chosen = await answer(world, await settings(world, admin, "safety", {"mode": "withhold"}))
        shown = await answer(world, await settings(world, admin, "show"))
        off = await answer(world, await settings(world, admin, "safety", {"mode": "off"}))

    for said in (chosen, shown):
        value = _flagged_field(said.embeds)
        assert value.startswith("held back everywhere")
        assert "Not in effect: my image checker is off" in value
    assert _flagged_field(off.embeds) == "shown as they are", "nothing to warn of"


async def test_age_restricted_channels_only_without_one_warns_that_everything_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        without = await answer(world, await settings(world, admin, "nsfw-only", {"enabled": True}))
        world.emu.add_channel(world.guild, "after-dark", nsfw=True)
        await world.emu.guild_create(world.guild)
        with_one = await answer(world, await settings(world, admin, "nsfw-only", {"enabled": True}))

    assert without.content.startswith("No channel here is age-restricted yet, so I will refuse every request")
    assert "Settings updated" in str(without.embeds), "the setting is kept all the same"
    assert with_one.content == ""
