"""The content-safety classifier's cost on this machine: one JSON line.

    python bench/classifier.py               # 60 pictures of 1024x1024 (needs: pip install '.[safety]')
    python bench/classifier.py --pictures 200

Times `SafetyChecker.check_picture` (PNG decoded, scaled, NudeNet's detector on the CPU, scores to a
verdict) on noisy 1024x1024 pictures, one after another as results arrive, while a ticker on the event loop
wakes every 5 ms and records how late it wakes: the loop's lag while the classifier works in its thread.
Printed: time per picture p50/p99 in ms (goal p50 <= 200 ms) and loop lag p50/p99/max in ms (goal
p99 <= 10 ms), with the lag of an idle loop for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
import time
from pathlib import Path

# The project instead of bench/ itself: bench/queue.py would shadow the standard library's queue, which the
# classifier's thread pool imports.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from PIL import Image, ImageDraw, ImageFilter

from core.safety.checker import SafetyChecker, SafetyConfig
from core.safety.classifier import SafetyOff
from core.safety.nudenet import load_nudenet

TICK_S = 0.005


def _picture(rng: random.Random) -> bytes:
    """Shapes over noise: a PNG that is neither trivially compressible nor empty of edges."""
    image = Image.effect_noise((1024, 1024), 64).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randrange(1024), rng.randrange(1024)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(40, 300), y + rng.randrange(40, 300)), fill=colour)
    buffer = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(buffer, format="PNG")
    return buffer.getvalue()


def _ms(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1e3, 2)


async def _lag_while(work: asyncio.Future[None] | asyncio.Task[None]) -> list[float]:
    lags: list[float] = []
    loop = asyncio.get_running_loop()
    while not work.done():
        due = loop.time() + TICK_S
        await asyncio.sleep(TICK_S)
        lags.append(max(0.0, loop.time() - due))
    return lags


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pictures", type=int, default=60)
    args = parser.parse_args()
    classifier = load_nudenet()
    if isinstance(classifier, SafetyOff):
        print(json.dumps({"error": classifier.reason}))
        sys.exit(1)
    rng = random.Random(18)
    pictures = [_picture(rng) for _ in range(8)]
    checker = SafetyChecker(SafetyConfig(classifier))
    await checker.check_picture(pictures[0])  # the first run allocates onnxruntime's buffers
    idle = asyncio.create_task(asyncio.sleep(1.0))
    idle_lags = await _lag_while(idle)
    times: list[float] = []

    async def classify_all() -> None:
        for index in range(args.pictures):
            started = time.perf_counter()
            verdict = await checker.check_picture(pictures[index % len(pictures)])
            times.append(time.perf_counter() - started)
            assert verdict is not None

    work = asyncio.create_task(classify_all())
    lags = await _lag_while(work)
    await work
    checker.close()
    figures = {
        "classifier": classifier.name,
        "pictures": args.pictures,
        "size": "1024x1024",
        "per_picture_ms": {"p50": _ms(times, 0.5), "p99": _ms(times, 0.99)},
        "loop_lag_ms": {"p50": _ms(lags, 0.5), "p99": _ms(lags, 0.99), "max": _ms(lags, 1.0)},
        "idle_loop_lag_ms": {"p50": _ms(idle_lags, 0.5), "p99": _ms(idle_lags, 0.99)},
        "goals": {"per_picture_p50_ms": 200, "loop_lag_p99_ms": 10},
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
