"""The ComfyUI inputs a kind fills from its member's own options, each with what to try instead when ComfyUI
finds its value out of range (a refused POST /prompt, core.jobs.failure_texts): only there is the member's
choice the cause, so only there are they told to change it."""

from __future__ import annotations

from collections.abc import Mapping

from core.texts import Text

SIZE_OUT_OF_RANGE = Text(
    "failures.rejected_size",
    "The size you asked for is out of range for this workflow: try another aspect_ratio.",
)
TOO_MANY = Text("failures.rejected_count", "This workflow can't make that many at once: try a smaller count.")

# A picture's width and height come from its aspect_ratio; its batch size is its count.
PICTURE_INPUTS: Mapping[str, Text] = {
    "width": SIZE_OUT_OF_RANGE,
    "height": SIZE_OUT_OF_RANGE,
    "batch_size": TOO_MANY,
}
COUNT_INPUTS: Mapping[str, Text] = {"batch_size": TOO_MANY}
