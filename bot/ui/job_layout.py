"""A job's message as components V2 (discord.ui.LayoutView): one Container holding

- a Text Display with what was asked and how it is going (beside the latest preview as a Section's
  Thumbnail while the job runs),
- a Media Gallery of every image, and a File component for each song or video (clients play them inline),
- a Separator, then the result's buttons in Action Rows,
- a small footer line, "Job #12 · done · took 9 s".

Discord's caps on such a message (https://discord.com/developers/docs/components/reference): at most 40
components in all, 4,000 characters across its Text Displays (discord-api-docs#8562), a gallery of 1-10
items, a Section of 1-3 Text Displays, a File only from an `attachment://` upload, and no `content` or
`embeds` beside the IS_COMPONENTS_V2 flag. The builder keeps within them: the body text gives way first,
then the last rows of buttons (which no result comes near). A flagged result (core.safety) is spoilered:
each gallery item and File carries `spoiler: true` (components/reference#media-gallery-media-gallery-item-
structure and #file-file-structure) and its uploads are named SPOILER_... .
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.ui.uploads import media_type

log = logging.getLogger(__name__)

MAX_COMPONENTS = 40
MAX_TEXT = 4000
MAX_GALLERY_ITEMS = 10
MAX_ALT_TEXT = 1024
MAX_ROW_WIDTH = 5
ELLIPSIS = "…"

Control = discord.ui.Item[Any]


def is_image(filename: str) -> bool:
    return media_type(filename).startswith("image/")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def build_layout(
    *,
    body: str,
    footer: str,
    colour: discord.Colour,
    filenames: Sequence[str] = (),
    thumbnail: str | None = None,
    controls: Sequence[Control] = (),
    alt_text: str = "",
    spoiler: bool = False,
) -> discord.ui.LayoutView:
    """The message's layout. `filenames` are the uploads it shows (images in one gallery, other files as
    File components); `thumbnail` is the upload shown beside the text instead (a running job's preview)."""
    footer_line = f"-# {footer}"
    body = clip(body, MAX_TEXT - len(footer_line))
    images = [n for n in filenames if is_image(n)][:MAX_GALLERY_ITEMS]
    others = [n for n in filenames if not is_image(n)]
    head: list[Control] = []
    if thumbnail is not None:
        accessory: discord.ui.Thumbnail[discord.ui.LayoutView] = discord.ui.Thumbnail(
            f"attachment://{thumbnail}", description=clip(alt_text, MAX_ALT_TEXT)
        )
        head.append(discord.ui.Section(discord.ui.TextDisplay(body), accessory=accessory))
    else:
        head.append(discord.ui.TextDisplay(body))
    if images:
        items = [
            discord.MediaGalleryItem(
                f"attachment://{name}", description=clip(alt_text, MAX_ALT_TEXT) or None, spoiler=spoiler
            )
            for name in images
        ]
        head.append(discord.ui.MediaGallery(*items))
    head += [discord.ui.File(f"attachment://{name}", spoiler=spoiler) for name in others]
    rows = action_rows(controls)
    tail: list[Control] = [discord.ui.TextDisplay(footer_line)]
    # The container and every nested component; the buttons come after a separator.
    used = 1 + _count(head) + _count(tail)
    while rows and used + 1 + _count(rows) > MAX_COMPONENTS:
        rows.pop()
        log.warning("a result's buttons exceed Discord's %d components; leaving out a row", MAX_COMPONENTS)
    children = head + ([discord.ui.Separator(), *rows] if rows else []) + tail
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(*children, accent_colour=colour))
    # The clicks are answered by the registered DynamicItems; a stopped view is never stored by discord.py,
    # so it cannot shadow them.
    view.stop()
    return view


def notice_layout(text: str) -> discord.ui.LayoutView:
    """A components V2 message that is one sentence: what a job message becomes when it can only say
    where its result will be."""
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(discord.ui.TextDisplay(clip(text, MAX_TEXT))))
    view.stop()
    return view


def action_rows(controls: Sequence[Control]) -> list[discord.ui.ActionRow[discord.ui.LayoutView]]:
    """The controls in Action Rows: by the row each asks for, otherwise in order, five buttons a row (a
    select fills a row on its own)."""
    placed: dict[int, list[Control]] = {}
    widths: dict[int, int] = {}
    next_row = 0
    for control in controls:
        row = control.row
        if row is None:
            while widths.get(next_row, 0) + control.width > MAX_ROW_WIDTH:
                next_row += 1
            row = next_row
        placed.setdefault(row, []).append(control)
        widths[row] = widths.get(row, 0) + control.width
    rows: list[discord.ui.ActionRow[discord.ui.LayoutView]] = []
    for index in sorted(placed):
        row_view: discord.ui.ActionRow[discord.ui.LayoutView] = discord.ui.ActionRow()
        for control in placed[index]:
            row_view.add_item(control)
        rows.append(row_view)
    return rows


def _count(items: Sequence[Control]) -> int:
    total = 0
    for item in items:
        total += 1
        if isinstance(item, discord.ui.ActionRow | discord.ui.Container):
            total += _count(list(item.children))
        elif isinstance(item, discord.ui.Section):
            total += _count(list(item.children)) + 1  # its Text Displays and its accessory
    return total
