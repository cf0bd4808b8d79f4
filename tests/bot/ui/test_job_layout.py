"""The components V2 layout of a job's message keeps within Discord's caps whatever it is given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord

from bot.ui.job_layout import MAX_COMPONENTS, MAX_TEXT, action_rows, build_layout

GREEN = discord.Colour.green()


def walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        if isinstance(component.get("accessory"), dict):
            yield component["accessory"]


def laid_out(view: discord.ui.LayoutView) -> list[dict[str, Any]]:
    return list(walk(view.to_components()))  # type: ignore[no-untyped-call]


def button(n: int, row: int | None = None) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(label=str(n), custom_id=f"b:{n}", row=row)


def test_images_make_one_gallery_and_other_files_playable_file_components() -> None:
    view = build_layout(
        body="## Ready",
        footer="Job #1 · done",
        colour=GREEN,
        filenames=["a.png", "b.webp", "take1.mp3", "clip.mp4"],
        alt_text="a red fox",
    )
    shown = laid_out(view)
    [gallery] = [c for c in shown if c["type"] == 12]
    assert [i["media"]["url"] for i in gallery["items"]] == ["attachment://a.png", "attachment://b.webp"]
    assert {i["description"] for i in gallery["items"]} == {"a red fox"}
    assert [c["file"]["url"] for c in shown if c["type"] == 13] == [
        "attachment://take1.mp3",
        "attachment://clip.mp4",
    ]
    assert shown[0]["type"] == 17, "all in one container"
    assert shown[-1] == {"type": 10, "content": "-# Job #1 · done"}


def test_a_preview_is_the_thumbnail_beside_the_text() -> None:
    view = build_layout(body="Making…", footer="Job #1 · running", colour=GREEN, thumbnail="preview.jpg")
    [section] = [c for c in laid_out(view) if c["type"] == 9]
    assert section["accessory"]["media"]["url"] == "attachment://preview.jpg"
    assert [c["type"] for c in section["components"]] == [10]


def test_text_over_4000_characters_is_clipped_with_the_footer_kept() -> None:
    view = build_layout(body="x" * 9000, footer="Job #1 · done", colour=GREEN)
    texts = [c["content"] for c in laid_out(view) if c["type"] == 10]
    assert sum(len(t) for t in texts) == MAX_TEXT
    assert texts[0].endswith("…")
    assert texts[-1] == "-# Job #1 · done"


def test_buttons_beyond_40_components_lose_their_last_rows() -> None:
    controls = [button(n) for n in range(40)]  # 8 rows of 5: 48 components with the rows
    view = build_layout(body="Ready", footer="Job #1", colour=GREEN, filenames=["a.png"], controls=controls)
    shown = laid_out(view)
    assert len(shown) <= MAX_COMPONENTS
    kept = [c["custom_id"] for c in shown if c["type"] == 2]
    assert kept == [f"b:{n}" for n in range(len(kept))], "the first rows are kept, in order"


def test_rows_follow_the_row_each_control_asks_for_else_five_a_row() -> None:
    select = discord.ui.Select[discord.ui.View](custom_id="more", options=[discord.SelectOption(label="x")])
    select.row = 2
    rows = action_rows([button(0, row=0), button(1, row=1), button(2, row=1), select])
    assert [[c.custom_id for c in r.children] for r in rows] == [["b:0"], ["b:1", "b:2"], ["more"]]  # type: ignore[attr-defined]
    packed = action_rows([button(n) for n in range(7)])
    assert [len(r.children) for r in packed] == [5, 2]
