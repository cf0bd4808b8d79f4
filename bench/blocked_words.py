"""What blocked words cost per request: one JSON line.

    python bench/blocked_words.py                # 1000 blocked words (the most a guild may keep)
    python bench/blocked_words.py --words 50

Compiles a list of random words once (what a guild pays when its list changes), then times the check every
request makes on prompts that contain no blocked word (the common case, and the slowest: the whole text is
searched): a short ASCII prompt, a long one (the 6000 characters a Discord option allows) and a long one
with non-ASCII letters (which takes the full Unicode folding path). Printed: compile time, then p50/p99 of
one check in microseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.jobs.blocked_words import compile_blocked_words


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_us": round(ordered[len(ordered) // 2] * 1e6, 1),
        "p99_us": round(ordered[int(len(ordered) * 0.99)] * 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(18)
    blocked = tuple(
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))) + "q" for _ in range(args.words)
    )
    started = time.perf_counter()
    compiled = compile_blocked_words(blocked)
    compile_s = time.perf_counter() - started

    sentence = "a cosy cabin in the snowy woods at dusk, warm light, highly detailed, 35mm photo, "
    prompts = {
        "short_ascii": sentence * 2,
        "long_ascii": (sentence * 80)[:6000],
        "long_unicode": ("une cabane enneigée, lumière chaude, très détaillée, " * 120)[:6000],
    }
    figures: dict[str, object] = {"blocked_words": args.words, "compile_ms": round(compile_s * 1e3, 1)}
    for name, prompt in prompts.items():
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            assert compiled.found_in([prompt]) is None
            samples.append(time.perf_counter() - started)
        figures[name] = {"chars": len(prompt), **_percentiles(samples)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
