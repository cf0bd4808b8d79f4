"""/settings log's page buttons keep turning after the bot restarted: each names the page it turns to
(bot.ui.log_turns), shown in place for the manager who ran /settings log, while they still manage it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from core.moderation.settings import ModerationSettings
from tests.discord_emulator import Message
from tests.discord_emulator.models import Member
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import World
from tests.e2e.media_support import private_answer
from tests.e2e.test_history_support import answer, component, control_id
from tests.e2e.test_moderation_log import Clock, entries_stored, listed
from tests.e2e.test_settings import settings


@asynccontextmanager
async def two_pages_logged(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[World, Member, Message]]:
    """Eleven refusals logged (two pages), and the first page of /settings log as the admin sees it."""
    clock = Clock()  # a member's refusals by one rule are logged once a minute: each is a minute apart
    async with world_with_admin(database_url, tmp_path, moderation=ModerationSettings(clock=clock)) as (
        world,
        admin,
    ):
        await world.runtime.guild_policies.update(world.guild.id, {"nsfw_channels_only": True})
        with entries_stored(world) as stored:
            for number in range(11):
                await answer(world, await world.slash("imagine", {"prompt": f"picture {number}"}))
                clock.now += timedelta(minutes=1)
            await stored.wait(11)
        yield world, admin, await answer(world, await settings(world, admin, "log"))


async def turned(world: World, admin: Member, shown: Message, button: str) -> str:
    """Restarts the bot, presses `button` as the admin, and reads the footer of the page then shown."""
    await world.restart_bot()  # nothing of the list is left in the bot's memory
    edits = len(shown.revisions)
    pressed = await world.emu.click_button(shown, control_id(shown, button), admin)
    await world.emu.wait_for(lambda: len(shown.revisions) == edits + 1)
    assert pressed.response_type == 6  # answered by updating the list itself, as a live one is
    return str(shown.embeds[0]["footer"]["text"])


async def test_settings_log_pages_turn_both_ways_after_restarts(database_url: str, tmp_path: Path) -> None:
    async with two_pages_logged(database_url, tmp_path) as (world, admin, shown):
        first = listed(shown)
        second_footer = await turned(world, admin, shown, "modlog:older")
        second = listed(shown)
        last_has_older = component(shown, "modlog:older")["disabled"]
        first_footer = await turned(world, admin, shown, "modlog:newer")
        back = listed(shown)
        first_has_newer = component(shown, "modlog:newer")["disabled"]

    assert "picture 0" not in first
    assert "picture 0" in second
    assert "picture 10" not in second
    assert second_footer.startswith("Page 2")
    assert last_has_older is True
    assert back == first
    assert first_footer.startswith("Page 1")
    assert first_has_newer is True


async def test_settings_log_pages_do_not_turn_for_one_who_no_longer_manages_the_server(
    database_url: str, tmp_path: Path
) -> None:
    async with two_pages_logged(database_url, tmp_path) as (world, admin, shown):
        edits = len(shown.revisions)
        await world.restart_bot()
        admin.permissions = 0  # Manage Server taken away meanwhile
        pressed = await world.emu.click_button(shown, control_id(shown, "modlog:older"), admin)
        said = await private_answer(world, pressed)

    assert said.content == "You need the Manage Server permission to see the moderation log here."
    assert len(shown.revisions) == edits  # never turned
