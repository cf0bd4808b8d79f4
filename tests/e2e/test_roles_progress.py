"""A job a worker runs shows its progress as the one-process bot's does: its place while it waits (told by
the leading worker), then a progress line and sampling previews, edited over REST through the kept token."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator import MessageRevision
from tests.discord_emulator.layout import texts, thumbnails
from tests.e2e.harness import running_world, states_shown
from tests.e2e.roles_support import worker_running
from tests.e2e.test_video import progress_shown
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.05, default_steps=40)


async def test_a_job_a_worker_runs_shows_its_place_then_its_progress_and_previews(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(
            postgres_url, tmp_path, role="gateway", fake_config=SLOW, global_max_running=1
        ) as world,
        worker_running(world, "worker-1"),
    ):
        first = await world.slash("imagine", {"prompt": "a long river"})
        second = await world.slash("imagine", {"prompt": "a long road"}, member=world.bob)
        third = await world.slash("imagine", {"prompt": "a long wall"}, member=world.mod)
        last = await world.wait_for_final(third, timeout=60)
        waited = await world.wait_for_final(second, timeout=60)
        ran_first = await world.wait_for_final(first, timeout=60)

    assert states_shown(ran_first)[-1] == "done"
    assert states_shown(waited) == ["queued", "running", "done"]
    shown = progress_shown(waited)
    assert any(words.startswith("sampling, step ") for _, words in shown), shown
    percents = [percent for percent, _ in shown]
    assert percents == sorted(percents), "the bar never goes back"
    assert any(thumbnails(revision) for revision in waited.revisions), "a sampling preview showed"
    places = [line for revision in last.revisions for line in _place_lines(revision)]
    assert len(dict.fromkeys(places)) >= 2, f"its place was told again as the queue moved: {places}"


def _place_lines(revision: MessageRevision) -> list[str]:
    return [line for text in texts(revision) for line in text.splitlines() if "Place in queue" in line]
