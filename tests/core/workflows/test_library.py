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
    assert library.get(f"gone@{HERE}").title == "gone"
    assert f"gone@{HERE}" in library.all_names()
    assert library.resolve("gone", scope=HERE) is None


def test_an_active_workflow_wins_over_a_removed_one_of_the_same_name() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("again", HERE, row=1), stored("again", HERE, active=False, row=2)])
    entry = library.stored("again", scope=HERE)

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


def test_two_guilds_each_keep_their_own_workflow_of_one_title() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("portrait", HERE, row=1), stored("portrait", THERE, row=2)])

    assert library.resolve("portrait", scope=HERE) == f"portrait@{HERE}"
    assert library.resolve("portrait", scope=HERE, kind="image") == f"portrait@{HERE}"
    assert library.resolve("portrait", scope=HERE, kind="song") is None
    assert library.resolve("txt2img", kind="song") is None
    assert library.resolve("portrait", scope=THERE) == f"portrait@{THERE}"
    assert library.resolve("portrait") is None  # offered to no other guild
    assert library.names("image", scope=HERE).count("portrait") == 1
    assert library.get(f"portrait@{THERE}").title == "portrait"


def test_a_guilds_own_hides_the_one_of_every_guild_there_only() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("portrait", None, row=1), stored("portrait", HERE, row=2)])

    assert library.resolve("portrait", scope=HERE) == f"portrait@{HERE}"
    assert library.resolve("portrait", scope=THERE) == "portrait"
    assert library.names("image", scope=HERE).count("portrait") == 1
    assert [entry.guild_id for entry in library.kept_by_guilds("portrait")] == [HERE]


def test_a_name_a_job_kept_means_what_its_title_means_there_now() -> None:
    library = WorkflowLibrary(load_workflows())
    library.replace_stored([stored("portrait", HERE, row=1), stored("portrait", None, row=2)])

    assert library.resolve(f"portrait@{HERE}", scope=HERE) == f"portrait@{HERE}"
    # Another guild typing a qualified name reaches only what the title means to it.
    assert library.resolve(f"portrait@{HERE}", scope=THERE) == "portrait"
    assert library.stored(f"portrait@{HERE}", scope=THERE) is None

    library.replace_stored([stored("portrait", HERE, row=1, active=False), stored("portrait", None, row=2)])
    assert library.resolve(f"portrait@{HERE}", scope=HERE) == "portrait"
