"""`check` and kinds of job: one no backend can run is a warning with its fix, and ENABLED_KINDS is honoured
(issue 12 item 7)."""

from __future__ import annotations

import io
from pathlib import Path

from bot.cli.check import check
from bot.cli.check_inputs import workflow_inputs
from bot.settings import Settings
from core.kinds import default_kinds
from tests.bot.cli.helpers import WELL_FORMED_TOKEN
from tests.e2e.media_support import inpainting_workflow
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fakes.comfyui.config import CHECKPOINTS_KEY
from tests.fixtures.comfyui import FakeComfyFactory

IMAGES_ONLY = FakeConfig(models={CHECKPOINTS_KEY: ["v1-5-pruned-emaonly-fp16.safetensors"]})


async def _check(database_url: str, url: str, **values: object) -> tuple[int, list[str]]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=WELL_FORMED_TOKEN,
        database_url=database_url,
        comfyui_urls=url,
        **values,  # type: ignore[arg-type]
    )
    out = io.StringIO()
    code = await check(settings, out)
    return code, out.getvalue().splitlines()


async def test_a_comfyui_that_only_makes_images_passes_with_songs_switched_off_as_a_warning(
    database_url: str, fake_comfy_factory: FakeComfyFactory
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(IMAGES_ONLY)
    code, lines = await _check(database_url, fake.url)

    assert code == 0, "\n".join(lines)
    assert not [line for line in lines if line.startswith("✗")]
    assert f"✓ workflow 'txt2img' can run on {fake.url}" in lines
    song = next(line for line in lines if line.startswith(f"! workflow 'song' cannot run on {fake.url}"))
    assert "ace_step_v1_3.5b.safetensors" in song
    switched_off = next(i for i, line in enumerate(lines) if line.startswith("! /song is switched off"))
    assert "no ComfyUI backend can run a song workflow (song)" in lines[switched_off]
    assert lines[switched_off + 1] == (
        "    fix: give a backend what the workflows above need, or set "
        "ENABLED_KINDS=image,edit,upscale,video to leave songs out on purpose"
    )
    # No edit model either; no upscale model, but the model-free upscale runs in its place.
    assert any(line.startswith("! /edit is switched off") for line in lines)
    upscale = next(
        line for line in lines if line.startswith(f"! workflow 'upscale' cannot run on {fake.url}")
    )
    assert upscale.endswith("(its fallback 'upscale-basic' is used)")
    assert f"✓ workflow 'upscale-basic' can run on {fake.url}" in lines
    # No Wan models either: both video workflows cannot run and /video is switched off.
    assert any(line.startswith("! /video is switched off") for line in lines)
    assert lines[-1] == "all checks passed, 9 warnings"


async def test_enabled_kinds_leaves_songs_unchecked(
    database_url: str, fake_comfy_factory: FakeComfyFactory
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(IMAGES_ONLY)
    code, lines = await _check(database_url, fake.url, enabled_kinds="image")

    assert code == 0, "\n".join(lines)
    assert "✓ /song is switched off by ENABLED_KINDS" in lines
    assert not [line for line in lines if "workflow 'song'" in line]
    assert lines[-1] == "all checks passed"


async def test_a_kind_the_bot_does_not_make_in_enabled_kinds_fails_with_the_kinds_it_does(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    code, lines = await _check(database_url, fake_comfy.url, enabled_kinds="image, hologram")

    assert code == 1
    failure = lines.index("✗ ENABLED_KINDS names 'hologram', which is not a kind of job this bot makes")
    assert (
        lines[failure + 1] == "    fix: list some of: image, song, edit, upscale, video "
        "(or leave it empty for every kind a backend runs)"
    )


def test_an_inpainting_workflow_is_listed_as_needing_its_picture_and_its_mask(tmp_path: Path) -> None:
    kinds = default_kinds()
    catalogue = kinds.catalogue(inpainting_workflow(tmp_path / "workflows"))

    [line] = workflow_inputs(kinds, catalogue, ["inpaint"])

    assert (line.ok, line.what) == (
        True,
        "workflow 'inpaint' (image) takes: image (required), mask (required)",
    )
