"""`python -m bot check`: one line per check, a precise fix for each failure, exit 0 only when all pass."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import pytest

from bot.cli.check import check
from tests.bot.cli.check_support import failures, run_check, settings_for
from tests.bot.cli.helpers import WELL_FORMED_TOKEN, bot_env, run_bot
from tests.core.jobs.full_disk import FullDisk
from tests.fakes.comfyui import FakeComfyUI


async def test_everything_in_place_passes_with_exit_code_zero(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    result = await run_bot(
        ["check"],
        # The optional content-safety extra is not part of "everything": with it absent check warns, rightly.
        bot_env(
            DISCORD_TOKEN=WELL_FORMED_TOKEN,
            DATABASE_URL=database_url,
            COMFYUI_URLS=fake_comfy.url,
            SAFETY_CLASSIFIER="off",
        ),
        cwd=tmp_path,
    )
    assert result.code == 0, result.stdout + result.stderr
    assert failures(result.stdout) == []
    assert f"✓ ComfyUI at {fake_comfy.url} answers (ComfyUI 0.3.64" in result.stdout
    assert f"✓ workflow 'txt2img' can run on {fake_comfy.url}" in result.stdout
    assert f"✓ workflow 'song' can run on {fake_comfy.url}" in result.stdout
    assert "✓ workflow 'txt2img' (image) takes: image (optional)" in result.stdout
    assert "✓ workflow 'song' (song) takes: audio (optional)" in result.stdout
    assert "✓ workflow 'edit' (edit) takes: image (required)" in result.stdout
    assert "✓ workflow 'upscale-basic' (upscale) takes: image (required)" in result.stdout
    model_line = "✓ workflow 'txt2img' takes its model at node 4 (CheckpointLoaderSimple); LoRAs: chained in"
    assert f"{model_line} as LoraLoader" in result.stdout
    listed = {key: len(files) for key, files in fake_comfy.config.models.items()}
    checkpoints, unets = listed["CheckpointLoaderSimple.ckpt_name"], listed["UNETLoader.unet_name"]
    offers = f"offers {checkpoints} checkpoints, {unets} diffusion models and 0 LoRAs to choose from"
    assert f"✓ ComfyUI at {fake_comfy.url} {offers}" in result.stdout
    assert "schema is current" in result.stdout
    assert result.stdout.rstrip().endswith("all checks passed")
    assert WELL_FORMED_TOKEN not in result.stdout + result.stderr


async def test_stopped_backend_is_reported_with_how_to_start_it(
    database_url: str, fake_comfy: FakeComfyUI
) -> None:
    url = fake_comfy.url
    await fake_comfy.stop()
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=database_url, comfyui_urls=url)
    )
    assert code == 1
    [failure] = failures(report)
    assert failure.startswith(f"✗ ComfyUI at {url} is not reachable: GET /system_stats: ")
    assert "Connect" in failure  # the connection was refused, said as such
    fix = report.splitlines()[report.splitlines().index(failure) + 1]
    assert fix == (
        f"    fix: start ComfyUI at {url} (e.g. `python main.py --listen 0.0.0.0 --port 8188`), "
        "or correct COMFYUI_URLS (comma-separated base URLs)"
    )
    assert report.rstrip().endswith("1 failed")


async def test_workflow_with_an_unknown_node_class_names_the_node_and_the_fix(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    graph = json.loads(resources.files("core.kinds.templates").joinpath("txt2img.json").read_text())
    graph["8"]["class_type"] = "VAEDecodeHyperTurbo"
    (workflows / "fancy.json").write_text(json.dumps(graph))
    code, report = await run_check(
        settings_for(
            discord_token=WELL_FORMED_TOKEN,
            database_url=database_url,
            comfyui_urls=fake_comfy.url,
            workflows_dir=workflows,
        )
    )
    assert code == 1
    assert "✓ workflows loaded: edit, edit-kontext, fancy, song, txt2img, upscale, upscale-basic" in report
    [failure] = failures(report)
    assert failure.startswith(
        f"✗ workflow 'fancy' cannot run on {fake_comfy.url}: workflow 'fancy', node 8 (VAEDecodeHyperTurbo): "
        "node class 'VAEDecodeHyperTurbo' is not installed on this backend (did you mean "
    )
    assert "    fix: install the custom nodes that provide VAEDecodeHyperTurbo on that ComfyUI" in report


async def test_unreadable_workflow_file_is_rejected_with_the_sidecar_hint(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    (workflows / "broken.json").write_text("{ not json")
    code, report = await run_check(
        settings_for(
            database_url=database_url,
            comfyui_urls=fake_comfy.url,
            workflows_dir=workflows,
            discord_token=WELL_FORMED_TOKEN,
        )
    )
    assert code == 1
    [failure] = failures(report)
    assert failure.startswith(f"✗ workflow 'broken' ({workflows / 'broken.json'}) cannot be used: ")
    assert "broken.binding.json sidecar" in report


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("", "✗ DISCORD_TOKEN is not set"),
        ("Bot " + WELL_FORMED_TOKEN, "✗ DISCORD_TOKEN starts with 'Bot '"),
        ("1234567890123456789", "✗ DISCORD_TOKEN does not look like a bot token (1 dot-separated part(s)"),
        (
            "aGVsbG8.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB",
            "✗ DISCORD_TOKEN's first part is not a user id",
        ),
    ],
)
async def test_malformed_tokens_are_explained_without_being_shown(
    token: str, expected: str, database_url: str, fake_comfy: FakeComfyUI
) -> None:
    code, report = await run_check(
        settings_for(discord_token=token, database_url=database_url, comfyui_urls=fake_comfy.url)
    )
    assert code == 1
    assert failures(report)[0].startswith(expected)
    if token:
        assert token.removeprefix("Bot ") not in report


async def test_data_dir_that_is_a_file_is_reported(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("oops")
    code, report = await run_check(
        settings_for(
            discord_token=WELL_FORMED_TOKEN,
            database_url=database_url,
            comfyui_urls=fake_comfy.url,
            data_dir=not_a_folder,
        )
    )
    assert code == 1
    assert failures(report) == [f"✗ DATA_DIR {not_a_folder} is a file, not a folder"]
    assert "    fix: point DATA_DIR at a folder, or move that file away" in report


async def test_data_dir_not_created_yet_passes_without_being_created(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    later = tmp_path / "later" / "data"
    code, report = await run_check(
        settings_for(
            discord_token=WELL_FORMED_TOKEN,
            database_url=database_url,
            comfyui_urls=fake_comfy.url,
            data_dir=later,
        )
    )
    assert code == 0, report
    assert f"✓ DATA_DIR {later} will be created at start" in report
    assert not later.parent.exists()


async def test_a_full_data_dir_fails_the_check_and_says_what_waits(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    disk = FullDisk(full=True)
    out = io.StringIO()
    code = await check(
        settings_for(
            discord_token=WELL_FORMED_TOKEN,
            database_url=database_url,
            comfyui_urls=fake_comfy.url,
            data_dir=data,
        ),
        out,
        open_file=disk.open,
    )
    report = out.getvalue()
    assert code == 1
    assert failures(report) == [
        f"✗ DATA_DIR {data} is full (No space left on device): finished jobs wait to be saved and new jobs "
        "wait in the queue until there is room"
    ]
    assert f"    fix: free space on the filesystem of {data}" in report
    assert disk.refused == 1
    assert list(data.iterdir()) == []  # the probe leaves nothing behind

    disk.full = False
    code, report = await run_check(
        settings_for(
            discord_token=WELL_FORMED_TOKEN,
            database_url=database_url,
            comfyui_urls=fake_comfy.url,
            data_dir=data,
        )
    )
    assert code == 0, report
    assert f"✓ DATA_DIR {data} is writable (" in report


async def test_a_password_in_a_comfyui_url_is_never_printed(
    database_url: str, fake_comfy: FakeComfyUI
) -> None:
    url = fake_comfy.url.replace("http://", "http://admin:open-sesame@")
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=database_url, comfyui_urls=url)
    )
    assert code == 0, report
    assert "open-sesame" not in report
    assert "✓ ComfyUI at http://[credentials]@127.0.0.1:" in report
