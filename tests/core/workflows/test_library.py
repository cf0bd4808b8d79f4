"""The live catalogue: what each guild is offered, what a queued job still finds, what a file replaces."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from core.workflows.library import StoredTemplate, WorkflowLibrary
from tests.core.kinds.workflows import load_workflows, make_template

TXT2IMG = resources.files("core.kinds.templates").joinpath("txt2img.json").read_text()
HERE, THERE = 1001, 2002


def stored(name: str, guild_id: int | None, *, active: bool = True, row: int = 1) -> StoredTemplate:
    return StoredTemplate(row, make_template(name, TXT2IMG, source="database"), guild_id, 7, active)


def test_a_guilds_workflow_is_offered_to_that_guild_alone() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("ours", HERE), stored("everyone", None, row=2)])

    assert "ours" in library.names("image", scope=HERE)
    assert "ours" not in library.names("image", scope=THERE)
    assert "ours" not in library.names("image")
    assert "everyone" in library.names("image", scope=THERE)
    assert "everyone" in library.names("image")


def test_a_removed_workflow_is_not_offered_but_still_found_for_its_queued_jobs() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("gone", HERE, active=False)])

    assert "gone" not in library.names(scope=HERE)
    assert library.get("gone").name == "gone"
    assert "gone" in library.all_names()


def test_an_active_workflow_wins_over_a_removed_one_of_the_same_name() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("again", HERE, row=1), stored("again", HERE, active=False, row=2)])
    entry = library.stored("again")

    assert entry is not None
    assert (entry.id, entry.active) == (1, True)
    assert "again" in library.names(scope=HERE)


def test_a_file_of_the_same_name_wins_and_the_stored_one_is_not_offered(tmp_path: Path) -> None:
    (tmp_path / "portrait.json").write_text(TXT2IMG)
    library = WorkflowLibrary(load_workflows(tmp_path))
    library.replace_stored([stored("portrait", HERE)])

    assert library.is_file("portrait")
    assert library.get("portrait").source == str(tmp_path / "portrait.json")
    assert library.names(scope=HERE).count("portrait") == 1


def test_a_reload_drops_what_was_deleted_from_the_table() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("brief", HERE)])
    library.replace_stored([])

    assert "brief" not in library.all_names()
    assert library.stored("brief") is None
