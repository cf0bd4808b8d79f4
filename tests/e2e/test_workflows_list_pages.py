"""/workflows list with more workflows than one embed holds: pages turned with buttons, none left out."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator import Message
from tests.discord_emulator.layout import buttons
from tests.e2e.admin_support import world_with_admin
from tests.e2e.test_history_support import control_id
from tests.e2e.workflows_support import TXT2IMG, workflows

MANY = 40


def names_listed(message: Message) -> list[str]:
    description = message.embeds[0].get("description", "")
    return [line.split("**")[1] for line in description.splitlines() if line.startswith("**")]


def named(custom_id: str) -> str:
    """A listing button's custom_id without the command's interaction id ("workflows-list:older")."""
    return custom_id.rsplit(":", 1)[0]


def footer(message: Message) -> str:
    return str(message.embeds[0].get("footer", {}).get("text", ""))


async def test_a_long_list_pages_with_buttons_and_leaves_no_workflow_out(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    files = [f"a-folder-workflow-with-a-long-descriptive-name-{n:02}" for n in range(MANY)]
    for name in files:
        (folder / f"{name}.json").write_text(TXT2IMG)
    async with world_with_admin(database_url, tmp_path, workflows_dir=folder) as (world, admin):
        listed = await workflows(world, admin, "list")
        first_footer, first_names = footer(listed), names_listed(listed)
        pages = int(first_footer.split(" of ")[1].split(" ")[0])
        seen = list(first_names)
        first_buttons = [(named(b["custom_id"]), b.get("disabled", False)) for b in buttons(listed)]
        for number in range(2, pages + 1):
            turned = await world.emu.click_button(listed, control_id(listed, "workflows-list:older"), admin)
            await world.wait_acked(turned)
            await world.emu.wait_for(lambda n=number: footer(listed).startswith(f"Page {n} of"))
            seen += names_listed(listed)
        last_buttons = [(named(b["custom_id"]), b.get("disabled", False)) for b in buttons(listed)]
        back = await world.emu.click_button(listed, control_id(listed, "workflows-list:newer"), admin)
        await world.wait_acked(back)
        await world.emu.wait_for(lambda: footer(listed).startswith(f"Page {pages - 1} of"))

    assert pages > 1
    assert first_footer.startswith(f"Page 1 of {pages} · ")
    assert set(files) <= set(seen), "every workflow is on some page"
    assert len(seen) == len(set(seen)), "and on one page only"
    assert first_buttons == [("workflows-list:newer", True), ("workflows-list:older", False)]
    assert last_buttons == [("workflows-list:newer", False), ("workflows-list:older", True)]
    assert listed.ephemeral
