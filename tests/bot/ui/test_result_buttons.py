"""The controls under a result: every action once, within Discord's caps (5 rows, 5 buttons a row, 25
options a select), and custom_ids that carry the job and the file."""

from __future__ import annotations

import discord
import pytest

from bot.locales import english
from bot.ui.result_buttons import (
    MAX_BUTTONS_PER_ROW,
    MAX_ROWS,
    MAX_SELECT_OPTIONS,
    result_items,
    result_view,
)
from core.jobs.derived import ResultAction

IMAGE_ACTIONS = (
    ResultAction.VARY_SUBTLE,
    ResultAction.VARY_STRONG,
    ResultAction.REMIX,
    ResultAction.UPSCALE,
    ResultAction.EDIT,
)

ENGLISH = english()


def rows_of(view: discord.ui.View) -> list[list[dict[str, object]]]:
    return [row["components"] for row in view.to_components()]


def assert_within_caps(view: discord.ui.View) -> None:
    rows = rows_of(view)
    assert len(rows) <= MAX_ROWS
    for row in rows:
        assert len(row) <= MAX_BUTTONS_PER_ROW
        if any(c["type"] == 3 for c in row):
            assert len(row) == 1, "a select fills its row"
            assert len(row[0]["options"]) <= MAX_SELECT_OPTIONS  # type: ignore[arg-type]
    ids = [c["custom_id"] for row in rows for c in row]
    assert len(ids) == len(set(ids)), "custom_ids are unique in a message"


def test_one_image_shows_every_action_as_a_button() -> None:
    view = result_view(ENGLISH, 12, 1, IMAGE_ACTIONS)
    assert_within_caps(view)
    labels = [c["label"] for row in rows_of(view) for c in row]
    assert labels == [
        "Reroll",
        "Vary (subtle)",
        "Vary (strong)",
        "Remix",
        "Upscale",
        "Edit",
        "Info",
        "Delete",
    ]
    ids = [c["custom_id"] for row in rows_of(view) for c in row]
    assert "res:strong:12:0" in ids
    assert "job:reroll:12" in ids


def test_four_images_get_numbered_upscale_and_vary_rows_and_a_select_for_the_rest() -> None:
    view = result_view(ENGLISH, 7, 4, IMAGE_ACTIONS)
    assert_within_caps(view)
    rows = rows_of(view)
    assert [c["label"] for c in rows[0]] == ["Reroll", "Info", "Delete"]
    assert [c["label"] for c in rows[1]] == ["V1", "V2", "V3", "V4"]
    assert [c["custom_id"] for c in rows[2]] == [f"res:upscale:7:{i}" for i in range(4)]
    [select] = rows[3]
    assert select["custom_id"] == "res:more:7"
    values = [o["value"] for o in select["options"]]  # type: ignore[union-attr]
    assert values[:4] == ["subtle:0", "subtle:1", "subtle:2", "subtle:3"]
    assert "edit:3" in values
    assert "remix:2" in values


def test_song_takes_get_numbered_cover_buttons() -> None:
    view = result_view(ENGLISH, 3, 2, (ResultAction.COVER,))
    assert_within_caps(view)
    assert [c["label"] for c in rows_of(view)[1]] == ["Cover 1", "Cover 2"]


def test_nothing_offered_leaves_the_job_buttons() -> None:
    labels = [c["label"] for row in rows_of(result_view(ENGLISH, 5, 1, ())) for c in row]
    assert labels == ["Reroll", "Info", "Delete"]


@pytest.mark.parametrize("files", [1, 2, 3, 4])
def test_every_offered_action_is_reachable_for_every_file(files: int) -> None:
    items = result_items(ENGLISH, 9, files, IMAGE_ACTIONS)
    reachable: set[str] = set()
    for item in items:
        if isinstance(item, discord.ui.Select):
            reachable |= {o.value for o in item.options}
        elif isinstance(item, discord.ui.Button) and item.custom_id and item.custom_id.startswith("res:"):
            _, action, _, index = item.custom_id.split(":")
            reachable.add(f"{action}:{index}")
    assert reachable == {f"{a.value}:{i}" for a in IMAGE_ACTIONS for i in range(files)}


EVERY_IMAGE_ACTION = (
    *IMAGE_ACTIONS,
    ResultAction.ANIMATE,
    *(a for a in ResultAction if "zoom" in a or "pan" in a),
)


def test_one_image_with_every_action_shows_zoom_out_and_the_pans_within_the_caps() -> None:
    view = result_view(ENGLISH, 5, 1, EVERY_IMAGE_ACTION)
    assert_within_caps(view)
    buttons = [c for row in rows_of(view) for c in row]
    labels = [c["label"] for c in buttons]
    assert labels[-9:] == [
        "Zoom Out 2x",
        "Zoom Out 1.5x",
        "Custom Zoom",
        "Pan left",
        "Pan right",
        "Pan up",
        "Pan down",
        "Info",
        "Delete",
    ]
    ids = [c["custom_id"] for c in buttons]
    assert {"res:zoom2:5:0", "res:zoomcustom:5:0", "res:panleft:5:0", "res:pandown:5:0"} <= set(ids)


def test_four_images_get_a_select_of_their_own_for_zoom_out_and_the_pans() -> None:
    view = result_view(ENGLISH, 9, 4, EVERY_IMAGE_ACTION)
    assert_within_caps(view)
    rows = rows_of(view)
    assert len(rows) == 5
    [more], [moves] = rows[3], rows[4]
    more_values = [o["value"] for o in more["options"]]  # type: ignore[union-attr]
    move_values = [o["value"] for o in moves["options"]]  # type: ignore[union-attr]
    assert (more["custom_id"], moves["custom_id"]) == ("res:more:9", "res:moves:9")
    assert moves["placeholder"] == "Zoom out or pan one of them…"
    # Every option that is offered is shown: none is cut off at the cap of 25.
    assert {v.split(":")[0] for v in more_values} == {"subtle", "remix", "edit", "animate", "zoomcustom"}
    assert len(more_values) == 20
    assert len(move_values) == 24
    assert move_values[:4] == [f"zoom2:{i}" for i in range(4)]
    assert "pandown:3" in move_values


def test_zoom_and_pans_alone_take_the_first_select() -> None:
    moves_only = [a for a in EVERY_IMAGE_ACTION if "zoom" in a or "pan" in a]
    view = result_view(ENGLISH, 3, 2, moves_only)
    assert_within_caps(view)
    [select] = rows_of(view)[-1]
    assert select["custom_id"] == "res:moves:3"
    assert len(select["options"]) == 12  # type: ignore[arg-type]
