"""One state of a job's message as plain data, and the components V2 message it becomes.

Every job message is a components V2 message (flag IS_COMPONENTS_V2) from its first edit on: the
"thinking…" reply of a command carries no flag (a deferred callback may only be EPHEMERAL,
https://discord.com/developers/docs/interactions/receiving-and-responding), and the first edit of the
original response sets it, which an edit may do but never undo ("the IS_COMPONENTS_V2 flag can only be
set", https://discord.com/developers/docs/resources/message#edit-message). So every later state, result,
failure or cancellation, is V2 as well, and each edit empties `content` and `embeds`, as Discord requires
of an edit that sets the flag (this also turns a message shown before the upgrade into a V2 one).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.ui.job_layout import Control, build_layout
from bot.ui.uploads import typed_file

SPOILER_PREFIX = "SPOILER_"  # an attachment named so is shown as a spoiler


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    filename: str
    data: bytes = field(repr=False)

    def as_spoiler(self) -> OutgoingFile:
        """The same file under a name Discord shows blurred: "SPOILER_" in front of it, the prefix the
        libraries use for a spoiler attachment (discord.py's ``File(spoiler=True)`` renames so; Discord.Net's
        ``AttachmentExtensions.SpoilerPrefix``, https://docs.discordnet.dev/api/Discord.AttachmentExtensions.html).
        Components V2 also carry `spoiler: true` on the gallery item or File (bot/ui/job_layout.py)."""
        if self.filename.startswith(SPOILER_PREFIX):
            return self
        return OutgoingFile(SPOILER_PREFIX + self.filename, self.data)

    def to_discord(self) -> discord.File:
        return typed_file(self.filename, self.data)


@dataclass(frozen=True, slots=True)
class Rendering:
    body: str  # markdown: what was asked, how it is going or what came of it
    footer: str  # "Job #12 · done · took 9 s": people (and tests) tell the state at a glance
    colour: discord.Colour
    files: tuple[OutgoingFile, ...] = ()
    preview: bool = False  # the one file is a running job's preview, shown as a Thumbnail
    controls: tuple[Control, ...] = ()
    alt_text: str = ""  # read out for the images (their prompt)
    note: str = ""  # a line above it all: why a result came by direct message
    final: bool = False
    spoiler: bool = False  # its files are shown blurred until clicked (a flagged result, core.safety)

    def layout(self) -> discord.ui.LayoutView:
        names = [f.filename for f in self.files]
        return build_layout(
            body=f"{self.note}\n\n{self.body}" if self.note else self.body,
            footer=self.footer,
            colour=self.colour,
            filenames=[] if self.preview else names,
            thumbnail=names[0] if self.preview and names else None,
            controls=self.controls,
            alt_text=self.alt_text,
            spoiler=self.spoiler,
        )

    @property
    def signature(self) -> str:
        """Equal signatures mean an edit from one rendering to the other would change nothing visible."""
        document: dict[str, Any] = {
            "components": self.layout().to_components(),  # type: ignore[no-untyped-call]  # discord.py leaves it unannotated
            "files": [(f.filename, hashlib.sha256(f.data).hexdigest()) for f in self.files],
        }
        return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()
