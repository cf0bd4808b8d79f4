"""Benchmark of bringing a video under Discord's upload limit: a 10 s 720p H.264 clip at a high bitrate
re-encoded (core.media.fit, as a result message does) to at most 10 MiB.

Run: python bench/video.py [--seconds 10] [--height 720] [--limit-mib 10] [--runs 3]

The clip is moving detail (noise, smoothed and panned) encoded at x264 crf 6, well over 20 Mbit/s: it cannot
reach the limit by a remux. Each run re-encodes it in a process of its own, so the CPU seconds (all of the
encoder's threads, user + system) and the memory peak (maximum resident set) are the re-encode's alone.
Issue 15 asks at most 1x the clip's duration in CPU seconds per core. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import av
from PIL import Image, ImageChops

PROJECT = Path(__file__).resolve().parent.parent
sys.path[0] = str(PROJECT)  # the project, not bench/ (bench/queue.py would shadow the standard library)

from core.media.fit import fit_video
from core.media.probe import probe_video

FPS = 24


def make_clip(path: Path, seconds: float, height: int) -> None:
    width = height * 16 // 9 // 2 * 2
    rng = random.Random(15)
    small = Image.frombytes("RGB", (width // 4, height // 4), rng.randbytes(width * height * 3 // 16))
    base = small.resize((width, height), Image.Resampling.BICUBIC)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "6", "preset": "ultrafast"}
        for index in range(int(seconds * FPS)):
            picture = ImageChops.offset(base, index * 5, index * 2)
            container.mux(stream.encode(av.VideoFrame.from_image(picture)))  # type: ignore[no-untyped-call]
        container.mux(stream.encode(None))


def _fit_once(source: str, target: str, limit: int, answer: multiprocessing.Queue[str]) -> None:
    facts = probe_video(Path(source))
    assert facts is not None
    started = time.perf_counter()
    fitted = fit_video(Path(source), facts, Path(target), limit)
    wall = time.perf_counter() - started
    shown = (
        "none" if fitted is None else f"{fitted.size_bytes} {fitted.width}x{fitted.height} {fitted.bitrate}"
    )
    answer.put(f"{wall} {shown}")


def run_once(source: Path, target: Path, limit: int) -> tuple[float, float, int, str]:
    """(wall s, CPU s, peak RSS in KiB, what was made) of one re-encode in a fresh process."""
    context = multiprocessing.get_context("spawn")
    answer: multiprocessing.Queue[str] = context.Queue()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = context.Process(target=_fit_once, args=(str(source), str(target), limit, answer))
    process.start()
    wall, made = answer.get().split(" ", 1)
    process.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(wall), cpu, after.ru_maxrss, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--limit-mib", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    limit = int(args.limit_mib * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="bench-video-") as folder:
        source, target = Path(folder) / "source.mp4", Path(folder) / "fitted.mp4"
        make_clip(source, args.seconds, args.height)
        facts = probe_video(source)
        assert facts is not None
        size = source.stat().st_size
        print(f"source: {facts.width}x{facts.height} {facts.duration_s:.1f} s, {size / 2**20:.1f} MiB "
              f"({size * 8 / facts.duration_s / 1e6:.1f} Mbit/s); limit {args.limit_mib:g} MiB; "
              f"{os.cpu_count()} cores")  # fmt: skip
        results = [run_once(source, target, limit) for _ in range(args.runs)]
    walls = [r[0] for r in results]
    cpus = [r[1] for r in results]
    cores = os.cpu_count() or 1
    cpu = statistics.median(cpus)
    print(f"made: {results[-1][3]} (bytes, size, bit/s)")
    print(f"wall: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s")
    print(f"CPU:  median {cpu:.2f} s = {cpu / facts.duration_s:.2f}x the clip's duration "
          f"({cpu / facts.duration_s / cores:.2f}x per core on {cores}); goal <= 1x per core")  # fmt: skip
    print(f"memory peak: {max(r[2] for r in results) / 1024:.0f} MiB resident (the re-encoding process)")


if __name__ == "__main__":
    main()
