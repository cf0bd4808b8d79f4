"""The command line: `python -m bot [run|check|migrate|sync|generate]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Discord front-end for ComfyUI.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (default)")
    commands.add_parser("check", help="check settings, database, ComfyUI backends and workflows")
    commands.add_parser("migrate", help="upgrade the database schema to the newest version")
    commands.add_parser("sync", help="sync slash commands globally")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    print(f"{command}: not available yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
