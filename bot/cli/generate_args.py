"""The `generate` command's arguments (kept apart so building the parser imports nothing heavy)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_generate_parser(commands: Any) -> None:
    """Add `generate image`, `generate song` and `generate video` to the `python -m bot` subcommands."""
    generate = commands.add_parser(
        "generate", help="run one job through the queue and ComfyUI without Discord, print the files"
    )
    kinds = generate.add_subparsers(dest="kind", required=True)

    image = kinds.add_parser("image", help='an image, e.g. generate image "a red fox --ar 16:9"')
    image.add_argument("prompt", help="the prompt, with the same inline flags as /imagine (--ar, --q, ...)")
    image.add_argument("--negative", help="what to avoid in the image")
    image.add_argument("--seed", help="a fixed seed (random when left out)")
    image.add_argument("--count", help="how many images (1-4)")
    image.add_argument("--image", type=Path, help="a picture to start from (image-to-image)")
    image.add_argument(
        "--mask", type=Path, help="for an inpainting --workflow: which part of --image to redraw"
    )
    image.add_argument("--strength", help="how far to move from --image, 0 (keep it) to 1 (ignore it)")
    _add_common(image)

    song = kinds.add_parser("song", help="a song, e.g. generate song --lyrics-file f.txt --genre pop")
    lyrics = song.add_mutually_exclusive_group(required=True)
    lyrics.add_argument("--lyrics-file", type=Path, help="a .txt (or .md/.json) file with the lyrics")
    lyrics.add_argument("--lyrics", help="the lyrics themselves")
    song.add_argument("--title")
    song.add_argument("--genre")
    song.add_argument("--mood")
    song.add_argument("--tempo", help="beats per minute")
    song.add_argument("--key", help="e.g. C major, F# minor")
    song.add_argument("--language", help="of the lyrics, e.g. ja or Japanese (default: read from them)")
    song.add_argument("--duration", help="seconds")
    song.add_argument("--seed", help="a fixed seed (random when left out)")
    song.add_argument("--audio", type=Path, help="a song to cover (its tags and lyrics are replaced)")
    song.add_argument("--strength", help="how far to move from --audio, 0 (keep it) to 1 (ignore it)")
    _add_common(song)

    video = kinds.add_parser("video", help='a video, e.g. generate video "waves at dusk" --seconds 4')
    video.add_argument("prompt", help="what happens in the video")
    video.add_argument("--negative", help="what to keep out of the video")
    video.add_argument("--seconds", help="how long, 1 to 10 (default: the workflow's own length)")
    video.add_argument("--aspect-ratio", help="16:9, 9:16, 1:1, 4:3 or 3:4 (default: the workflow's own)")
    video.add_argument("--quality", help="draft, standard or high")
    video.add_argument("--seed", help="a fixed seed (random when left out)")
    video.add_argument("--image", type=Path, help="a picture to start from (the first frame)")
    _add_common(video)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workflow", help="a workflow name from the catalogue (default: the built-in one)")
    parser.add_argument(
        "--timeout", type=float, default=None, help="give up after this many seconds (default JOB_TIMEOUT_S)"
    )
