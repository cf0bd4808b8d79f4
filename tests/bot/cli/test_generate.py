"""`python -m bot generate`: one job through the real queue and a (fake) ComfyUI, without Discord."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bot.__main__ import build_parser
from bot.cli.generate import generate
from bot.settings import Settings
from db.migrate import schema_is_current
from tests.bot.cli.helpers import bot_env, run_bot
from tests.bot.idle_core import idle_core
from tests.core.jobs.harness import image_request
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


async def run_in_process(settings: Settings, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await generate(settings, build_parser().parse_args(argv), out, err)
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
    fake: FakeComfyUI = await fake_comfy_factory(FakeConfig(previews=False))
    # ComfyUI takes the prompt and never gets to run it: the job is past its timeout however long the
    # command took to start and post on a loaded machine.
    fake.hold()
    settings = settings_for(database_url, fake.url, tmp_path)
    code, out, err = await run_in_process(settings, ["generate", "image", "a red fox", "--timeout", "4"])
    assert code == 1
    assert out == ""
    assert err.rstrip().endswith("No result within 4 s; the job was cancelled.")
    assert len(fake.prompts_received) == 1
    assert fake.interrupts or fake.queue_deletes  # the running prompt was stopped, not left to run


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
