"""A text progress bar for a running job: ▰▰▰▱▱▱▱▱▱▱ 30% · step 3/10."""

from __future__ import annotations

BAR_CELLS = 10


def progress_line(step: int | None, steps: int | None) -> str:
    if not steps or step is None:
        return "▱" * BAR_CELLS + " working…"
    done = max(0, min(step, steps))
    filled = round(BAR_CELLS * done / steps)
    percent = round(100 * done / steps)
    return f"{'▰' * filled}{'▱' * (BAR_CELLS - filled)} {percent}% · step {done}/{steps}"
