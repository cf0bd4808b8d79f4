"""The harness itself: the real ComfyBot logs in to the emulator and syncs its commands to the dev guild."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import running_world


async def test_the_bot_logs_in_and_syncs_its_commands_to_the_dev_guild(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        assert world.bot.is_ready()
        synced = world.emu.calls_matching("PUT", rf"/applications/\d+/guilds/{world.guild.id}/commands$")
        assert len(synced) == 1
        names = {command["name"] for command in synced[0].json}
        assert names == {command.name for command in world.bot.tree.get_commands()}
        assert world.runtime.dispatcher is not None
