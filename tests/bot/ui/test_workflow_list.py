"""/workflows list's lines in the asker's language, down to whether an input is required."""

from __future__ import annotations

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
