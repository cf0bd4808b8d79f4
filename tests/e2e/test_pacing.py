"""Progress edits share a budget per channel; the final result never waits for it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.e2e.harness import FAST_REPORTING, assert_no_repeated_revisions, running_world
from tests.fakes.comfyui import FakeConfig


async def test_progress_edits_in_one_channel_stay_within_the_shared_budget(
    database_url: str, tmp_path: Path
) -> None:
    reporting = replace(
        FAST_REPORTING, edit_interval_s=0.05, channel_edits_per_window=3, channel_window_s=0.5
    )
    slow = FakeConfig(step_time_s=0.03, default_steps=10)
    async with running_world(database_url, tmp_path, fake_config=slow, reporting=reporting) as world:
        interactions = [
            await world.slash("imagine", {"prompt": f"picture {i}"}, member=member)
            for i, member in enumerate((world.alice, world.bob, world.mod))
        ]
        messages = [await world.wait_for_final(i) for i in interactions]

        # Revision 0 is the "thinking" message, the last one the result: everything between is progress.
        progress = sorted(r.at for m in messages for r in m.revisions[1:-1])
        assert progress, "some progress was shown"
        for index, start in enumerate(progress):
            in_window = [at for at in progress[index:] if (at - start).total_seconds() < 0.5 * 0.95]
            assert len(in_window) <= 3, f"{len(in_window)} progress edits within one window"
        for message in messages:
            assert_no_repeated_revisions(message)
