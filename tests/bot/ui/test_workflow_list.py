"""/workflows list's lines in the asker's language, down to whether an input is required, on as many pages
as they need."""

from __future__ import annotations

from dataclasses import replace

from bot.locales import Catalogue, Words
from bot.ui.workflow_list import EMBED_DESCRIPTION_MAX, listing_pages
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
    embed = listing_pages(Words(Catalogue.shipped(), "en"), [LISTED])[0]
    assert "takes: image (required), mask (optional)" in (embed.description or "")


def test_a_german_member_reads_the_list_in_german() -> None:
    embed = listing_pages(Words(Catalogue.shipped(), "de"), [LISTED])[0]
    assert "image (nötig), mask (freiwillig)" in (embed.description or "")
    assert "required" not in (embed.description or "")


def test_a_password_in_a_backends_url_is_never_shown() -> None:
    """A backend is named by its URL in COMFYUI_URLS; the list is shown to every server's managers."""
    behind_auth = replace(LISTED, backends=frozenset({"https://me:hunter2@gpu-2:8188"}))
    description = listing_pages(Words(Catalogue.shipped(), "en"), [behind_auth])[0].description or ""
    assert "hunter2" not in description
    assert "runs on: https://[credentials]@gpu-2:8188" in description


def test_a_long_list_is_paged_and_no_workflow_is_left_out() -> None:
    """About 25 workflows with a few backends each no longer fit one embed (4,096 characters)."""
    backends = frozenset(f"http://gpu-{n}.render-farm.example:8188" for n in range(4))
    listed = [replace(LISTED, name=f"workflow-{n:02}", backends=backends) for n in range(40)]
    pages = listing_pages(Words(Catalogue.shipped(), "en"), listed)
    descriptions = [page.description or "" for page in pages]

    assert len(pages) > 1
    assert all(len(text) <= EMBED_DESCRIPTION_MAX for text in descriptions)
    shown = [line.split("**")[1] for text in descriptions for line in text.splitlines()]
    assert shown == [item.name for item in listed], "every workflow once, in order, none cut"
    assert [page.footer.text for page in pages] == [
        f"Page {n} of {len(pages)} · 40 workflows" for n in range(1, len(pages) + 1)
    ]


def test_a_list_that_fits_one_page_has_no_page_footer() -> None:
    [page] = listing_pages(Words(Catalogue.shipped(), "de"), [LISTED, replace(LISTED, name="two")])
    assert page.footer.text is None
    assert listing_pages(Words(Catalogue.shipped(), "en"), [])[0].description == "No workflows yet."
