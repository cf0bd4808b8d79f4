"""`python -m bot check`: one line per check, a precise fix for each failure, exit 0 only when all pass."""

from __future__ import annotations

import io
import json
import uuid
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import URL

from bot.cli.check import check
from bot.settings import Settings
from tests.bot.cli.helpers import WELL_FORMED_TOKEN, bot_env, run_bot
from tests.core.jobs.full_disk import FullDisk
from tests.fakes.comfyui import FakeComfyUI
from tests.fixtures.database import create_postgres_database, drop_postgres_database


def settings_for(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


async def run_check(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    code = await check(settings, out)
    return code, out.getvalue()


def failures(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith("✗")]


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


async def test_wrong_database_port_says_nothing_listens_and_hides_the_password(
    fake_comfy: FakeComfyUI, unused_tcp_port: int
) -> None:
    url = f"postgresql+asyncpg://bot:hunter2-secret@127.0.0.1:{unused_tcp_port}/bot"
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
    )
    assert code == 1
    [failure] = failures(report)
    assert failure.startswith(
        f"✗ cannot open the database postgresql+asyncpg://bot:[password]@127.0.0.1:{unused_tcp_port}/bot: "
    )
    assert (
        f"    fix: nothing listens at 127.0.0.1:{unused_tcp_port}: start the database server or correct "
        "the host and port in DATABASE_URL"
    ) in report
    assert "hunter2-secret" not in report


@pytest.mark.postgres
async def test_missing_postgres_database_is_named_with_how_to_create_it(
    postgres_server: URL, fake_comfy: FakeComfyUI
) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/no_such_bot_db"
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
    )
    assert code == 1
    assert 'database "no_such_bot_db" does not exist' in failures(report)[0]
    assert "    fix: create the database (e.g. `createdb no_such_bot_db`)" in report


@pytest.mark.postgres
async def test_unmigrated_postgres_database_asks_for_migrate(
    postgres_server: URL, fake_comfy: FakeComfyUI
) -> None:
    name = f"test_check_empty_{uuid.uuid4().hex[:8]}"
    url = await create_postgres_database(postgres_server, name)
    try:
        code, report = await run_check(
            settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
        )
    finally:
        await drop_postgres_database(postgres_server, name)
    assert code == 1
    assert "schema is empty (no tables), this version needs " in failures(report)[0]
    assert "    fix: run `python -m bot migrate` (with compose: `docker compose run --rm migrate`)" in report


async def test_new_sqlite_database_passes_because_run_creates_it(
    fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    code, report = await run_check(
        settings_for(discord_token=WELL_FORMED_TOKEN, database_url=url, comfyui_urls=fake_comfy.url)
    )
    assert code == 0, report
    assert "the SQLite file does not exist yet; `run` creates and migrates it" in report
    assert not (tmp_path / "new.db").exists()  # checking creates nothing


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
    assert "✓ ComfyUI at http://admin:[password]@127.0.0.1:" in report
