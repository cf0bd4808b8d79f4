import hashlib
import json
import logging
import shutil
from pathlib import Path

import pytest

from comfy.workflows.errors import UnknownWorkflow
from core.kinds import EDIT, IMAGE, SONG, UPSCALE, VIDEO
from tests.comfy.workflows.graphs import DATA, custom_nodes_txt2img
from tests.comfy.workflows.object_info import object_info
from tests.core.kinds.workflows import load_catalogue, load_workflows


def test_builtins_are_the_default_workflow_of_each_kind_and_the_fallbacks() -> None:
    catalogue = load_workflows()

    assert catalogue.names() == [
        "edit", "edit-kontext", "song", "txt2img", "upscale", "upscale-basic", "video", "video_i2v"
    ]  # fmt: skip
    assert catalogue.default(VIDEO).name == "video"
    assert catalogue.default(IMAGE).name == "txt2img"
    assert catalogue.default(SONG).name == "song"
    assert catalogue.default(EDIT).name == "edit"
    assert catalogue.default(UPSCALE).name == "upscale"
    assert catalogue.names(SONG) == ["song"]
    assert catalogue.names(EDIT) == ["edit", "edit-kontext"]
    assert catalogue.names(UPSCALE) == ["upscale", "upscale-basic"]
    assert catalogue.get("txt2img").source == "built-in"
    assert catalogue.rejected == ()


def test_version_is_the_sha256_of_the_canonical_json() -> None:
    template = load_workflows().get("txt2img")
    shipped = json.loads((DATA / "txt2img_sd15_api.json").read_text(encoding="utf-8"))
    canonical = json.dumps(shipped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    assert template.version == hashlib.sha256(canonical.encode()).hexdigest()


def test_user_folder_adds_good_workflows_and_rejects_bad_ones_precisely(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copy(DATA / "sdxl_base_refiner_api.json", tmp_path / "sdxl.json")
    (tmp_path / "broken.json").write_text("{nope", encoding="utf-8")
    (tmp_path / "ui.json").write_text('{"nodes": [], "links": []}', encoding="utf-8")
    (tmp_path / "custom.json").write_text(json.dumps(custom_nodes_txt2img()), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="comfy.workflows.catalogue"):
        catalogue = load_workflows(tmp_path)

    assert catalogue.names(IMAGE) == ["sdxl", "txt2img"]
    assert catalogue.get("sdxl").source == str(tmp_path / "sdxl.json")
    reasons = {rejected.name: rejected.reason for rejected in catalogue.rejected}
    assert set(reasons) == {"broken", "custom", "ui"}
    assert reasons["broken"].startswith("workflow 'broken': is not valid JSON")
    assert "export it with 'Export (API)'" in reasons["ui"]
    assert "no prompt text encoder" in reasons["custom"]
    assert "Workflow custom from" in caplog.text


def test_sidecar_makes_an_unreadable_graph_usable_and_changes_the_version(tmp_path: Path) -> None:
    (tmp_path / "custom.json").write_text(json.dumps(custom_nodes_txt2img()), encoding="utf-8")
    (tmp_path / "custom.binding.json").write_text('{"nodes": {"prompt": ["6"]}}', encoding="utf-8")

    template = load_workflows(tmp_path).get("custom")

    assert template.binding.prompt_nodes == ("6",)
    canonical = json.dumps(custom_nodes_txt2img(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert template.version != hashlib.sha256(canonical.encode()).hexdigest()


def test_invalid_sidecar_rejects_its_workflow(tmp_path: Path) -> None:
    shutil.copy(DATA / "txt2img_sd15_api.json", tmp_path / "mine.json")
    (tmp_path / "mine.binding.json").write_text('{"nodes": {"prompt": "6"}}', encoding="utf-8")

    catalogue = load_workflows(tmp_path)

    (rejected,) = catalogue.rejected
    assert rejected.name == "mine"
    assert "its binding sidecar is invalid: nodes.prompt:" in rejected.reason


def test_user_workflow_named_like_a_builtin_replaces_it(tmp_path: Path) -> None:
    shutil.copy(DATA / "sdxl_base_refiner_api.json", tmp_path / "txt2img.json")

    catalogue = load_workflows(tmp_path)

    assert catalogue.default(IMAGE).binding.sampler_nodes == ("10", "11")


def test_unknown_name_lists_what_exists() -> None:
    with pytest.raises(UnknownWorkflow) as caught:
        load_workflows().get("flux")

    assert caught.value.user_message == (
        "There is no workflow called 'flux'. "
        "Available: edit, edit-kontext, song, txt2img, upscale, upscale-basic, video, video_i2v."
    )


async def test_loading_off_the_event_loop_and_validating_against_a_backend(tmp_path: Path) -> None:
    catalogue = await load_catalogue(tmp_path / "missing")
    info = object_info(checkpoints=["v1-5-pruned-emaonly-fp16.safetensors"])

    problems = catalogue.problems(info)

    assert problems["txt2img"] == []
    (missing_model,) = problems["song"]
    assert (missing_model.node_id, missing_model.input_name) == ("40", "ckpt_name")
    assert "'ace_step_v1_3.5b.safetensors' is not available" in missing_model.message
