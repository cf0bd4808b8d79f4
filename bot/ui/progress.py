"""A text progress bar for a running job: ▰▰▰▰▰▱▱▱▱▱ 52% · sampling, step 3/10.

The bar shows the whole graph's progress (it never goes back when sampling ends and decoding starts) and
says what the backend is doing in plain words, never a node's class name.
"""

from __future__ import annotations

import math

from core.jobs.updates import Stage

BAR_CELLS = 10

STAGE_WORDS = {
    Stage.STARTING: "starting",
    Stage.LOADING_MODEL: "loading the model",
    Stage.LOADING_INPUT: "reading your file",
    Stage.ENCODING: "reading the prompt",
    Stage.PREPARING: "preparing",
    Stage.SAMPLING: "sampling",
    Stage.DECODING: "decoding",
    Stage.UPSCALING: "upscaling",
    Stage.SAVING: "saving the files",
    Stage.WORKING: "working",
    Stage.DONE: "finishing",
}


def progress_line(fraction: float, stage: Stage, step: int | None = None, steps: int | None = None) -> str:
    share = max(0.0, min(1.0, fraction))
    # Rounded down: 99.6% is not done, and must not read "100%".
    filled = math.floor(BAR_CELLS * share)
    percent = math.floor(100 * share)
    doing = STAGE_WORDS[stage]
    if step is not None and steps:
        doing += f", step {max(0, min(step, steps))}/{steps}"
    return f"{'▰' * filled}{'▱' * (BAR_CELLS - filled)} {percent}% · {doing}"
