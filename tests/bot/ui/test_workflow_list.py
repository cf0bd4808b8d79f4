"""/workflows list's lines in the asker's language, down to whether an input is required."""

from __future__ import annotations

from dataclasses import replace

from bot.locales import Catalogue, Words
from bot.ui.workflow_list import listing_embed
from core.workflows.listing import ListedWorkflow

LISTED = ListedWorkflow(
    name="img2img",
    kind="image",
    origin="file",
    inputs={"image": "required", "mask": "optional"},
    backends=frozenset({"gpu-1"}),
    jobs=2,
    version="abc",
)


def test_a_workflows_inputs_say_whether_they_are_required() -> None:
    embed = listing_embed(Words(Catalogue.shipped(), "en"), [LISTED])
    assert "takes: image (required), mask (optional)" in (embed.description or "")


def test_a_german_member_reads_the_list_in_german() -> None:
    embed = listing_embed(Words(Catalogue.shipped(), "de"), [LISTED])
    assert "image (nötig), mask (freiwillig)" in (embed.description or "")
    assert "required" not in (embed.description or "")


def test_a_password_in_a_backends_url_is_never_shown() -> None:
    """A backend is named by its URL in COMFYUI_URLS; the list is shown to every server's managers."""
    behind_auth = replace(LISTED, backends=frozenset({"https://me:hunter2@gpu-2:8188"}))
    description = listing_embed(Words(Catalogue.shipped(), "en"), [behind_auth]).description or ""
    assert "hunter2" not in description
    assert "runs on: https://[credentials]@gpu-2:8188" in description
