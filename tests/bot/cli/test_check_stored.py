"""`check` with workflows added from Discord: every server's are checked like files, a server's own one that
cannot run is a warning (it concerns that server alone)."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

from bot.cli.check import check
from bot.settings import Settings
from comfy.workflows.template import workflow_version
from db.engine import create_engine, create_sessionmaker
from db.units.stored_workflows import NewWorkflow, StoredWorkflows
from tests.bot.cli.helpers import WELL_FORMED_TOKEN
from tests.fakes.comfyui import FakeComfyUI

TXT2IMG = json.loads(resources.files("core.kinds.templates").joinpath("txt2img.json").read_text())


async def store(database_url: str, name: str, guild_id: int | None, graph: dict[str, object]) -> None:
    engine = create_engine(database_url)
    try:
        workflows = StoredWorkflows(create_sessionmaker(engine))
        await workflows.add(NewWorkflow(name, guild_id, "image", graph, None, workflow_version(graph), 7))
    finally:
        await engine.dispose()


async def test_stored_workflows_are_checked_and_a_servers_own_failure_only_warns(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    broken = json.loads(json.dumps(TXT2IMG))
    loader = next(node for node in broken.values() if node["class_type"] == "CheckpointLoaderSimple")
    loader["inputs"]["ckpt_name"] = "gone.safetensors"
    await store(database_url, "everyone", None, TXT2IMG)
    await store(database_url, "ours", 1001, broken)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=WELL_FORMED_TOKEN,
        database_url=database_url,
        comfyui_urls=fake_comfy.url,
        data_dir=tmp_path / "data",
    )
    out = io.StringIO()

    code = await check(settings, out)

    report = out.getvalue()
    assert code == 0, report
    assert f"✓ workflow 'everyone' can run on {fake_comfy.url}" in report
    assert f"! workflow 'ours@1001' cannot run on {fake_comfy.url}: " in report
    assert "gone.safetensors" in report
    assert "(added from Discord for server 1001)" in report
