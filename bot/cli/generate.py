"""`python -m bot generate image|song`: one job through the real queue and ComfyUI, without Discord.

It proves the ComfyUI side works before the bot is invited anywhere. The job is stored like any other, with
guild id 0 and user id 0; the artifact paths are printed on stdout, progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import aiohttp

from background.log_context import log_context
from bot.cli.generate_cancel import CANCEL_GRACE_S, GaveUp, cancel_within
from bot.cli.generate_inputs import UnusableInput, read_input_file
from bot.cli.runtime_config import runtime_config
from bot.cli.terminal_progress import TerminalProgress
from bot.logging_setup import redact_url_credentials
from bot.runtime import CoreRuntime
from bot.settings import Settings
from comfy import errors
from core.errors import UserFacingError
from core.jobs.given_input import GivenInput
from core.jobs.kind_limits import kind_timeout_s
from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.jobs.updates import FinalUpdate, JobCompleted, JobFailed
from core.kinds import KindParams
from core.prompts import parse_song_request
from core.prompts.image import read_image_request
from core.prompts.video import parse_video_request
from core.texts import Text
from db.engine import is_sqlite
from db.migrate import SchemaOutdated, ensure_schema

log = logging.getLogger(__name__)

COMMAND_GUILD_ID = 0
COMMAND_USER = Requester(user_id=0, channel_id=0, is_manager=True)
EXIT_FAILED = 1
EXIT_UNUSABLE = 2


class CannotGenerate(Exception):
    """Something to tell the operator before any job is queued."""


async def generate(
    settings: Settings,
    args: argparse.Namespace,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    cancel_grace_s: float = CANCEL_GRACE_S,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        raw_input, params, notes = await _read_request(args)
        inputs = await _read_inputs(args, settings)
        for note in notes:  # how the prompt was read (ignored Midjourney flags): said, never silent
            err.write(f"{note}\n")
        await ensure_schema(settings.database_url, auto_migrate_sqlite=is_sqlite(settings.database_url))
    except UserFacingError as exc:
        err.write(exc.user_message + "\n")
        return EXIT_UNUSABLE
    except (SchemaOutdated, CannotGenerate, UnusableInput) as exc:
        err.write(f"{exc}\n")
        return EXIT_UNUSABLE
    config = await runtime_config(settings)
    # Its own worker id: the bot on this host keeps the leases of its running jobs.
    own_worker = f"{config.queue.worker_id}-generate-{os.getpid()}"
    config = replace(config, queue=replace(config.queue, worker_id=own_worker))
    request = JobRequest(
        guild_id=COMMAND_GUILD_ID,
        requester=COMMAND_USER,
        raw_input=raw_input,
        params=params,
        workflow=args.workflow,
        inputs=inputs,
    )
    timeout_s = args.timeout or kind_timeout_s(config.kinds, config.queue, args.kind) + 60
    async with aiohttp.ClientSession() as http:  # the one HTTP session of this process
        runtime = await CoreRuntime.build(config, http=http)
        try:
            final = await _generate_on(runtime, request, timeout_s, cancel_grace_s, err)
        except CannotGenerate as exc:
            err.write(redact_url_credentials(f"{exc}\n"))  # backend URLs may hold one
            return EXIT_UNUSABLE
        except UserFacingError as exc:
            err.write(exc.user_message + "\n")
            return EXIT_FAILED
        finally:
            await runtime.close()  # a job whose cancel is not confirmed is handed over with its request
    if isinstance(final, GaveUp):
        if final.outcome is None:
            err.write(final.said(f"No result within {timeout_s:.0f} s"))
            return EXIT_FAILED
        final = final.outcome  # it ended on its own as the time ran out
    return _print_outcome(final, config.data_dir, out, err)


async def _generate_on(
    runtime: CoreRuntime, request: JobRequest, timeout_s: float, grace_s: float, err: TextIO
) -> FinalUpdate | GaveUp:
    await _refuse_when_the_bot_has_work(runtime)
    progress = TerminalProgress(err, own_guild_id=COMMAND_GUILD_ID)
    runtime.observer.target = progress
    await _require_a_reachable_backend(runtime)
    await runtime.start()
    return await _run_one(runtime, progress, request, timeout_s, grace_s, err)


async def _run_one(
    runtime: CoreRuntime,
    progress: TerminalProgress,
    request: JobRequest,
    timeout_s: float,
    grace_s: float,
    err: TextIO,
) -> FinalUpdate | GaveUp:
    receipt = await runtime.service.submit(request)
    job_id = receipt.job.id
    progress.follow(job_id)
    with log_context(job_id=job_id, guild_id=COMMAND_GUILD_ID):
        log.info("submitted from the command line")
    try:
        async with asyncio.timeout(timeout_s):
            return await progress.final(job_id)
    except TimeoutError:
        return await _stop(runtime, progress, job_id, grace_s)
    except asyncio.CancelledError:  # Ctrl-C
        gave_up = await _stop(runtime, progress, job_id, grace_s)
        if gave_up.outcome is None:
            err.write(gave_up.said("Stopped"))
        raise


async def _stop(runtime: CoreRuntime, progress: TerminalProgress, job_id: int, grace_s: float) -> GaveUp:
    """The command stops waiting: nothing is left behind on the backends, and what became of the job is
    known."""
    return await cancel_within(
        runtime, progress, job_id, guild_id=COMMAND_GUILD_ID, requester=COMMAND_USER, grace_s=grace_s
    )


def _print_outcome(final: FinalUpdate, data_dir: Path, out: TextIO, err: TextIO) -> int:
    if isinstance(final, JobCompleted):
        for artifact in final.artifacts:
            out.write(f"{(data_dir / artifact.path).resolve()}\n")
        out.flush()
        return 0
    if isinstance(final, JobFailed):
        err.write(final.user_message + "\n")
    else:
        err.write("The job was cancelled.\n")
    return EXIT_FAILED


async def _read_request(args: argparse.Namespace) -> tuple[str, KindParams, tuple[Text, ...]]:
    if args.kind == "video":
        video = parse_video_request(
            args.prompt,
            negative=args.negative,
            seconds_=args.seconds,
            aspect_ratio_=args.aspect_ratio,
            quality=args.quality,
            seed=args.seed,
        )
        return args.prompt, video, ()
    if args.kind == "image":
        image = read_image_request(
            args.prompt, negative=args.negative, seed=args.seed, count=args.count, strength=args.strength
        )
        return args.prompt, image.params, image.notes
    lyrics_file = None
    if args.lyrics_file is not None:
        path: Path = args.lyrics_file
        try:
            lyrics_file = (path.name, await asyncio.to_thread(path.read_bytes))
        except OSError as exc:
            raise CannotGenerate(f"Cannot read the lyrics file {path}: {exc.strerror or exc}") from exc
    song = parse_song_request(
        lyrics_text=args.lyrics,
        lyrics_file=lyrics_file,
        title=args.title,
        genre=args.genre,
        mood=args.mood,
        tempo=args.tempo,
        key=args.key,
        language=args.language,
        duration=args.duration,
        seed=args.seed,
        strength=args.strength,
    )
    return song.lyrics, song, ()


async def _read_inputs(args: argparse.Namespace, settings: Settings) -> tuple[GivenInput, ...]:
    """--image (and --mask) or --audio as the job's inputs (UnusableInput says why a file cannot be one)."""
    if args.kind == "song":
        given = [("audio", args.audio)]
    else:
        given = [("image", args.image), ("mask", getattr(args, "mask", None))]  # video has no --mask
    return tuple(
        [await read_input_file(path, role, settings.input_limits) for role, path in given if path is not None]
    )


async def _require_a_reachable_backend(runtime: CoreRuntime) -> None:
    """Asked before starting: a queue with no backend would only wait for the timeout."""
    answers = await asyncio.gather(
        *(client.system_stats() for client in runtime.clients), return_exceptions=True
    )
    unreachable: list[str] = []
    for client, answer in zip(runtime.clients, answers, strict=True):
        if isinstance(answer, errors.ComfyError):
            unreachable.append(f"{client.name}: {answer.detail}")
        elif isinstance(answer, BaseException):
            raise answer
    if len(unreachable) == len(runtime.clients):
        raise CannotGenerate(
            f"No ComfyUI backend is reachable ({'; '.join(unreachable)}). `python -m bot check` says more."
        )


async def _refuse_when_the_bot_has_work(runtime: CoreRuntime) -> None:
    """Starting a runtime recovers every queued job and undelivered result: they are the bot's, not ours."""
    overview = await runtime.browser.queue_overview(COMMAND_GUILD_ID, COMMAND_USER.user_id)
    queued = overview.queued_everywhere - overview.guild_queued
    undelivered = [job for job in await runtime.store.undelivered() if job.guild_id != COMMAND_GUILD_ID]
    if queued or undelivered:
        raise CannotGenerate(
            f"The database holds {queued} queued job(s) and {len(undelivered)} undelivered result(s) of "
            "the Discord bot; `generate` would take them over. Run it when the bot's queue is empty, or "
            "on a scratch database: DATABASE_URL=sqlite+aiosqlite:///./data/generate.db python -m bot "
            "generate ..."
        )
