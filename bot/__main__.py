"""The command line: `python -m bot [run|gateway|worker|check|migrate|sync|generate]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError

from bot.cli.discord_endpoints import point_discord_at
from bot.cli.generate_args import add_generate_parser
from bot.cli.settings_problems import describe_settings_problem
from bot.cli.startup_failure import StartupFailure
from bot.logging_setup import configure_logging, operator_secrets, quieter
from bot.settings import Settings

log = logging.getLogger("bot")

TERMINAL_COMMANDS = ("check", "generate")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Discord front-end for ComfyUI.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (default; ROLE says which part, all by default)")
    commands.add_parser("gateway", help="hold Discord's gateway shards and submit jobs (needs PostgreSQL)")
    commands.add_parser("worker", help="run the queue and deliver over REST, no gateway (needs PostgreSQL)")
    commands.add_parser("migrate", help="upgrade the database schema to the newest version")
    commands.add_parser("sync", help="publish the slash commands globally (needs DISCORD_TOKEN)")
    commands.add_parser("check", help="check settings, database, ComfyUI backends and workflows")
    add_generate_parser(commands)
    return parser


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    if command == "sync":
        from bot.cli.sync import sync

        return await sync(settings)
    if command == "migrate":
        from bot.cli.migrate import migrate

        return await migrate(settings)
    if command == "check":
        from bot.cli.check import check

        return await check(settings)
    if command == "generate":
        from bot.cli.generate import generate

        return await generate(settings, args)
    from bot.cli.run import run

    if command in ("gateway", "worker"):
        return await run(settings, "gateway" if command == "gateway" else "worker")
    return await run(settings)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
        secrets = operator_secrets(settings)
    except (ValidationError, ArgumentError) as exc:
        sys.stderr.write(describe_settings_problem(exc))
        return 2
    configure_logging(
        # The terminal commands print their own report; only warnings would add to it.
        settings.log_level if args.command not in TERMINAL_COMMANDS else quieter(settings.log_level),
        settings.log_format,
        secrets=secrets,
    )
    # Here, before any command runs: every command that talks to Discord (run, sync) uses these URLs.
    point_discord_at(settings)
    try:
        return asyncio.run(_dispatch(args, settings))
    except StartupFailure as failure:
        # The traceback only when the operator asked for DEBUG: the line with its fix is what they need.
        log.error("%s", failure, exc_info=failure if log.isEnabledFor(logging.DEBUG) else None)
        return failure.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through the log, where secrets are scrubbed: a bare traceback on stderr would bypass that.
        log.exception("python -m bot %s failed", args.command or "run")
        return 1


if __name__ == "__main__":
    sys.exit(main())
