"""The controls under a result, built in one place: `result_items` returns them (each with its row) for a
classic view or, later, for ActionRows inside a components-V2 layout.

Every custom_id carries what a click needs (`job:reroll:123`, `res:strong:123:0` for file 0 of job 123,
`res:more:123` and `res:moves:123` for the selects), so a click is understood after any restart:
`bot/exts/result_actions.py` registers the DynamicItems that read them.

Layout, within Discord's caps (5 action rows, 5 buttons a row, 25 options a select;
https://discord.com/developers/docs/components/reference#action-row):
- one file: every action as a button (Reroll, Vary (subtle), Vary (strong), Remix, Upscale, Edit, ...,
  Zoom Out, Pan, Info, Delete), five to a row;
- several files (at most 4 a job): Reroll, Info, Delete; then Midjourney's numbered rows, U1-U4 (Upscale)
  and V1-V4 (Vary (strong)), or Cover 1-2 for songs; every other action for one chosen file in a select,
  and Zoom Out and the pans in a select of their own below it (Custom Zoom, a form, stays in the first).
An action added later (Animate) is a `ResultAction` with its `ActionSpec` in core/jobs/derived.py (the
kind it makes, the media it takes) and a look here in `_LOOKS`: it then appears as a button or in the
select wherever `ResultRequests.offered` allows it, and runs through `result_actions.run_action`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import discord

from bot.locales import Words
from bot.ui.wording import action_label, file_noun
from core.jobs.derived import ACTIONS, ResultAction

MAX_ROWS, MAX_BUTTONS_PER_ROW, MAX_SELECT_OPTIONS = 5, 5, 25


class JobAction(StrEnum):
    REROLL = "reroll"
    INFO = "info"
    DELETE = "delete"


# The label is the catalogue's "buttons.<action>".
_JOB_LOOKS: dict[JobAction, tuple[str, discord.ButtonStyle]] = {
    JobAction.REROLL: ("🔁", discord.ButtonStyle.secondary),
    JobAction.INFO: ("ℹ️", discord.ButtonStyle.secondary),
    JobAction.DELETE: ("🗑️", discord.ButtonStyle.danger),
}

# Per-file actions, in the order they are shown; the emoji, and the catalogue key of the numbered label on
# a multi-file result (None: offered in the select instead).
_LOOKS: dict[ResultAction, tuple[str, str | None]] = {
    ResultAction.VARY_SUBTLE: ("🌱", None),
    ResultAction.VARY_STRONG: ("🎲", "buttons.vary_n"),
    ResultAction.REMIX: ("🎛️", None),
    ResultAction.UPSCALE: ("⬆️", "buttons.upscale_n"),
    ResultAction.EDIT: ("✏️", None),
    ResultAction.COVER: ("🎤", "buttons.cover_n"),
    ResultAction.ANIMATE: ("🎬", None),
    ResultAction.ZOOM_OUT_2X: ("🔍", None),
    ResultAction.ZOOM_OUT_1_5X: ("🔍", None),
    ResultAction.ZOOM_CUSTOM: ("🔍", None),
    ResultAction.PAN_LEFT: ("⬅️", None),
    ResultAction.PAN_RIGHT: ("➡️", None),
    ResultAction.PAN_UP: ("⬆️", None),
    ResultAction.PAN_DOWN: ("⬇️", None),
}
# Zoom Out and the pans of a multi-file result have a select of their own (6 actions x 4 files = 24 options;
# in the other select they would overflow its 25).
_MOVES = frozenset(
    {
        ResultAction.ZOOM_OUT_2X,
        ResultAction.ZOOM_OUT_1_5X,
        ResultAction.PAN_LEFT,
        ResultAction.PAN_RIGHT,
        ResultAction.PAN_UP,
        ResultAction.PAN_DOWN,
    }
)

Item = discord.ui.Item[discord.ui.View]


def job_custom_id(action: JobAction, job_id: int) -> str:
    return f"job:{action.value}:{job_id}"


def result_custom_id(action: ResultAction, job_id: int, index: int) -> str:
    return f"res:{action.value}:{job_id}:{index}"


def select_custom_id(job_id: int, *, moves: bool = False) -> str:
    return f"res:{'moves' if moves else 'more'}:{job_id}"


def option_value(action: ResultAction, index: int) -> str:
    return f"{action.value}:{index}"


def read_only_button(custom_id: str) -> discord.ui.Button[discord.ui.View]:
    """The button a DynamicItem matches a click against: only its custom_id is read, it is never drawn."""
    return discord.ui.Button(custom_id=custom_id)


def job_button(
    words: Words, action: JobAction, job_id: int, *, row: int | None = None
) -> discord.ui.Button[discord.ui.View]:
    emoji, style = _JOB_LOOKS[action]
    return discord.ui.Button(
        label=words(f"buttons.{action.value}"),
        emoji=emoji,
        style=style,
        custom_id=job_custom_id(action, job_id),
        row=row,
    )


def result_button(
    words: Words,
    action: ResultAction,
    job_id: int,
    index: int,
    *,
    numbered: bool = False,
    row: int | None = None,
) -> discord.ui.Button[discord.ui.View]:
    emoji, numbered_key = _LOOKS[action]
    label = action_label(words, action)
    if numbered and numbered_key:
        label = words(numbered_key, n=index + 1)
    return discord.ui.Button(
        label=label,
        emoji=None if numbered else emoji,
        style=discord.ButtonStyle.secondary,
        custom_id=result_custom_id(action, job_id, index),
        row=row,
    )


def more_select(
    words: Words,
    job_id: int,
    files: int,
    actions: Sequence[ResultAction],
    *,
    row: int | None = None,
    moves: bool = False,
) -> discord.ui.Select[discord.ui.View]:
    """One select for the actions without a numbered row: "Remix · image 2", ...; or (`moves`) the one for
    Zoom Out and Pan."""
    options = [
        discord.SelectOption(
            label=f"{action_label(words, action)} · {file_noun(words, ACTIONS[action].takes)} {index + 1}",
            value=option_value(action, index),
            emoji=_LOOKS[action][0],
        )
        for action in actions
        for index in range(files)
    ][:MAX_SELECT_OPTIONS]
    return discord.ui.Select(
        custom_id=select_custom_id(job_id, moves=moves),
        placeholder=words("buttons.moves" if moves else "buttons.more"),
        options=options,
        row=row,
    )


def result_items(words: Words, job_id: int, files: int, offered: Sequence[ResultAction]) -> list[Item]:
    """The controls of a result with `files` files, `offered` the per-file actions it allows, labelled in
    the job's language."""
    shown = [action for action in _LOOKS if action in offered]
    if files <= 1:
        buttons: list[Item] = [job_button(words, JobAction.REROLL, job_id)]
        buttons += [result_button(words, action, job_id, 0) for action in shown]
        buttons += [job_button(words, JobAction.INFO, job_id), job_button(words, JobAction.DELETE, job_id)]
        return _in_rows(buttons)
    items: list[Item] = [job_button(words, a, job_id, row=0) for a in JobAction]
    numbered = [a for a in shown if _LOOKS[a][1] is not None][: MAX_ROWS - 2]
    for row, action in enumerate(numbered, start=1):
        items += [
            result_button(words, action, job_id, index, numbered=True, row=row)
            for index in range(min(files, MAX_BUTTONS_PER_ROW))
        ]
    rest = [a for a in shown if a not in numbered]
    moves = [a for a in rest if a in _MOVES]
    row = len(numbered) + 1
    if moves and rest != moves and row + 1 < MAX_ROWS:
        rest = [a for a in rest if a not in _MOVES]
        items.append(more_select(words, job_id, files, moves, row=row + 1, moves=True))
    if rest:
        items.append(more_select(words, job_id, files, rest, row=row, moves=rest == moves))
    return items


def result_view(words: Words, job_id: int, files: int, offered: Sequence[ResultAction]) -> discord.ui.View:
    """A components-only view: the clicks are handled by the registered DynamicItems, not by this view."""
    view = discord.ui.View(timeout=None)
    for item in result_items(words, job_id, files, offered):
        view.add_item(item)
    # A stopped view is never stored by discord.py's view store, so it cannot shadow the DynamicItems.
    view.stop()
    return view


def _in_rows(items: list[Item]) -> list[Item]:
    for position, item in enumerate(items):
        item.row = position // MAX_BUTTONS_PER_ROW
    return items
