"""`python -m bot generate`: one job through the real queue and a (fake) ComfyUI, without Discord."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from bot.__main__ import build_parser
from bot.cli.generate import generate
from bot.cli.runtime_config import runtime_config
from bot.settings import Settings
from core.jobs.updates import JobCancelled
from db.enums import JobStatus
from db.migrate import schema_is_current
from tests.bot.cli.helpers import bot_env, run_bot
from tests.bot.idle_core import idle_core
from tests.core.jobs.harness import eventually, image_request, running_core
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fakes.comfyui.config import CHECKPOINTS_KEY
from tests.fixtures.comfyui import FakeComfyFactory

FAST = FakeConfig(default_steps=4, previews=False)


def env_for(database_url: str, comfy_url: str, data_dir: Path) -> dict[str, str]:
    return bot_env(
        DATABASE_URL=database_url,
        COMFYUI_URLS=comfy_url,
        DATA_DIR=str(data_dir),
        COMFYUI_CLIENT_ID="generate-test",
    )


async def test_image_prints_the_absolute_paths_of_the_images(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FAST)
    data_dir = tmp_path / "data"
    result = await run_bot(
        ["generate", "image", "a red fox --ar 16:9"], env_for(database_url, fake.url, data_dir), cwd=tmp_path
    )
    assert result.code == 0, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert len(paths) == 1
    [path] = paths
    assert path.is_absolute()
    assert path.is_relative_to(data_dir.resolve())
    with Image.open(path) as image:
        assert image.width > image.height  # 16:9 reached the workflow
    [prompt] = fake.prompts_received
    assert "a red fox" in str(prompt)
    # Not a terminal: progress is plain lines on stderr, never on stdout.
    assert "started" in result.stderr
    assert "KSampler 4/4" in result.stderr


async def test_song_from_a_lyrics_file_prints_the_audio_path(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FAST)
    lyrics = tmp_path / "fox.txt"
    lyrics.write_text("[verse]\nthe fox runs red\n[chorus]\noh fox\n")
    result = await run_bot(
        ["generate", "song", "--lyrics-file", str(lyrics), "--genre", "pop", "--title", "Fox"],
        env_for(database_url, fake.url, tmp_path / "data"),
        cwd=tmp_path,
    )
    assert result.code == 0, result.stderr
    [path] = [Path(line) for line in result.stdout.splitlines()]
    assert path.is_absolute()
    assert path.stat().st_size > 0
    assert path.suffix in {".flac", ".mp3", ".opus", ".wav", ".ogg"}
    assert "the fox runs red" in str(fake.prompts_received[0])


def settings_for(database_url: str, comfy_url: str, data_dir: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        comfyui_urls=comfy_url,
        data_dir=data_dir,
        comfyui_client_id="t",
    )


async def run_in_process(settings: Settings, argv: list[str], **options: float) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await generate(settings, build_parser().parse_args(argv), out, err, **options)
    return code, out.getvalue(), err.getvalue()


async def test_a_prompt_with_mistakes_is_refused_before_anything_is_queued(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None, database_url=database_url, comfyui_urls=fake_comfy.url, data_dir=tmp_path
    )
    code, out, err = await run_in_process(settings, ["generate", "image", "a fox --ar 99:1 --q ultra"])
    assert code == 2
    assert out == ""
    assert err.startswith("Please fix these 2 things:")
    assert fake_comfy.prompts_received == []


async def test_a_failing_workflow_exits_non_zero_with_the_users_message(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(
        FakeConfig(default_steps=2, previews=False, runtime_error_class="VAEDecode")
    )
    settings = settings_for(database_url, fake.url, tmp_path)
    code, out, err = await run_in_process(settings, ["generate", "image", "a red fox"])
    assert code == 1
    assert out == ""
    assert "VAEDecode" in err


async def test_a_missing_model_is_reported_without_queueing(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FakeConfig(models={CHECKPOINTS_KEY: ["other.safetensors"]}))
    settings = settings_for(database_url, fake.url, tmp_path)
    code, _out, err = await run_in_process(settings, ["generate", "image", "a red fox"])
    assert code == 1
    assert "python -m bot check" in err
    assert fake.prompts_received == []


async def test_refuses_to_take_over_the_bots_queued_jobs(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    # The bot queued a job and is down: starting a runtime here would run it and swallow its result.
    async with idle_core(database_url, ["http://127.0.0.1:9"], tmp_path / "bot") as runtime:
        await runtime.service.submit(image_request(guild_id=42))
    settings = settings_for(database_url, fake_comfy.url, tmp_path)
    code, _out, err = await run_in_process(settings, ["generate", "image", "a red fox"])
    assert code == 2
    assert err.startswith("The database holds 1 queued job(s) and 0 undelivered result(s) of the Discord bot")
    assert fake_comfy.prompts_received == []


async def test_a_new_sqlite_database_is_migrated_and_an_unreachable_comfyui_is_said_at_once(
    fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    url = fake_comfy.url
    await fake_comfy.stop()
    settings = settings_for(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}", url, tmp_path)
    code, out, err = await run_in_process(settings, ["generate", "image", "a red fox"])
    assert code == 2
    assert out == ""
    assert err.startswith(f"No ComfyUI backend is reachable ({url}: ")
    assert err.rstrip().endswith("`python -m bot check` says more.")
    assert await schema_is_current(settings.database_url)  # migrated like `run` does


async def test_a_job_past_the_timeout_is_cancelled_on_comfyui(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    # A prompt that would run for minutes: the job is past its timeout however long the command took to
    # start and post on a loaded machine, and ComfyUI stops it at its next step when interrupted.
    fake: FakeComfyUI = await fake_comfy_factory(
        FakeConfig(step_time_s=0.2, default_steps=1000, previews=False)
    )
    settings = settings_for(database_url, fake.url, tmp_path)
    code, out, err = await run_in_process(settings, ["generate", "image", "a red fox", "--timeout", "4"])
    assert code == 1
    assert out == ""
    assert err.rstrip().endswith("No result within 4 s; the job was cancelled.")
    [posted] = fake.prompts_received
    assert fake.interrupts  # the running prompt was stopped, not left to run
    history = fake.history_of(posted["prompt_id"])
    assert history is not None
    assert history["status"]["status_str"] == "error"


async def test_a_job_whose_cancel_comfyui_does_not_confirm_is_said_at_once_and_cancelled_by_the_next_worker(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FakeConfig(previews=False))
    # ComfyUI takes the prompt, shows it running, and neither runs it nor heeds an interrupt.
    fake.hold()
    settings = settings_for(database_url, fake.url, tmp_path)
    confirm_window_s = (await runtime_config(settings)).client.cancel_timeout_s
    argv = ["generate", "image", "a red fox", "--timeout", "4"]
    command = asyncio.create_task(run_in_process(settings, argv, cancel_grace_s=1.0))
    await eventually(lambda: bool(fake.interrupts), within_s=30)
    asked_at = asyncio.get_running_loop().time()
    code, out, err = await command
    # The command waited its grace, not the client's whole window for ComfyUI to confirm the cancel.
    assert asyncio.get_running_loop().time() - asked_at < confirm_window_s / 2
    assert (code, out) == (1, "")
    said = re.search(
        r"No result within 4 s\. Job (\d+) was asked to cancel, but ComfyUI has not confirmed", err
    )
    assert said, err
    job_id = int(said[1])

    # The job was handed over with its cancel request: the next worker on the database asks ComfyUI again
    # and ends it cancelled, even if the prompt gets to finish first (ComfyUI runs again below).
    async with running_core(database_url, [fake.url], tmp_path / "bot", client_id="t", worker_id="bot") as (
        runtime,
        observer,
    ):
        fake.go()
        assert isinstance(await observer.final(job_id, within_s=30), JobCancelled)
        job, artifacts = await runtime.store.get_with_artifacts(job_id, guild_id=0) or (None, ())
    assert job is not None
    assert job.status is JobStatus.CANCELLED
    assert artifacts == ()


async def test_ctrl_c_cancels_the_job_and_says_at_once_that_comfyui_has_not_confirmed_it(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FakeConfig(previews=False))
    fake.hold()  # ComfyUI shows the prompt running, but neither runs it nor heeds an interrupt
    settings = settings_for(database_url, fake.url, tmp_path)
    confirm_window_s = (await runtime_config(settings)).client.cancel_timeout_s
    err = io.StringIO()
    args = build_parser().parse_args(["generate", "image", "a red fox"])
    command = asyncio.create_task(generate(settings, args, io.StringIO(), err, cancel_grace_s=1.0))
    await eventually(lambda: fake.running_prompt_id is not None, within_s=30)
    command.cancel()  # what asyncio.run does with the command on Ctrl-C
    stopped_at = asyncio.get_running_loop().time()
    with pytest.raises(asyncio.CancelledError):
        await command
    assert asyncio.get_running_loop().time() - stopped_at < confirm_window_s / 2
    assert fake.interrupts
    assert re.search(
        r"Stopped\. Job \d+ was asked to cancel, but ComfyUI has not confirmed it", err.getvalue()
    )


async def test_midjourney_only_flags_are_ignored_with_a_note_on_stderr(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None, database_url=database_url, comfyui_urls=fake_comfy.url, data_dir=tmp_path
    )
    code, out, err = await run_in_process(settings, ["generate", "image", "a fox --v 6 --tile --ar 3:2"])
    assert code == 0, err
    assert out.strip()
    assert "Ignored --v 6, --tile: Midjourney settings with no meaning here." in err
    [prompt] = fake_comfy.prompts_received
    assert "--v" not in str(prompt)
