"""A text progress bar for a running job: ▰▰▰▰▰▱▱▱▱▱ 52% · sampling, step 3/10.

The bar shows the whole graph's progress (it never goes back when sampling ends and decoding starts) and
says what the backend is doing in plain words (the catalogue's "stages.*"), never a node's class name.
"""

from __future__ import annotations

import math

from bot.locales import Words
from core.jobs.updates import Stage

BAR_CELLS = 10


def progress_line(
    words: Words, fraction: float, stage: Stage, step: int | None = None, steps: int | None = None
) -> str:
    share = max(0.0, min(1.0, fraction))
    # Rounded down: 99.6% is not done, and must not read "100%".
    filled = math.floor(BAR_CELLS * share)
    percent = math.floor(100 * share)
    doing = words(f"stages.{stage.value}")
    if step is not None and steps:
        doing = words("progress.step", doing=doing, step=max(0, min(step, steps)), steps=steps)
    return f"{'▰' * filled}{'▱' * (BAR_CELLS - filled)} {percent}% · {doing}"
