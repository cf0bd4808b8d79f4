"""Content safety in a gateway and worker pair: the worker checks the result it made and shows a flagged
one behind a spoiler where the server asks for that, and a clean one as it is, as the one-process bot does."""

from __future__ import annotations

from pathlib import Path

from core.safety.checker import SafetyConfig
from tests.core.safety.stand_in import MarkerClassifier, seed_colour
from tests.discord_emulator.layout import gallery_items, is_spoiler
from tests.e2e.admin_support import world_with_admin
from tests.e2e.harness import job_state
from tests.e2e.roles_support import worker_running
from tests.e2e.test_history_support import answer
from tests.e2e.test_settings import settings

FLAGGED_SEED, CLEAN_SEED = 7, 8


async def test_a_result_flagged_in_a_worker_is_spoilered_and_a_clean_one_is_not(
    postgres_url: str, tmp_path: Path
) -> None:
    safety = SafetyConfig(MarkerClassifier(seed_colour(FLAGGED_SEED)))
    async with (
        world_with_admin(postgres_url, tmp_path, safety=safety, role="gateway") as (world, admin),
        worker_running(world, "worker-1") as worker,
    ):
        await answer(world, await settings(world, admin, "safety", {"mode": "spoiler"}))
        shown = []
        for seed in (FLAGGED_SEED, CLEAN_SEED):
            interaction = await world.slash("imagine", {"prompt": "a lighthouse", "seed": seed})
            shown.append(await world.wait_for_final(interaction))
        flagged, clean = shown

    assert worker.ws is None
    assert [job_state(m) for m in shown] == ["done", "done"]
    assert [is_spoiler(i) for i in gallery_items(flagged)] == [True]
    assert [a.filename.startswith("SPOILER_") for a in flagged.attachments] == [True]
    assert [is_spoiler(i) for i in gallery_items(clean)] == [False]
