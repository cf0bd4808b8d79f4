"""Running `python -m bot ...` as a real subprocess, with settings from the environment only."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

SETTING_NAMES = frozenset(name.upper() for name in Settings.model_fields)
PROJECT_ROOT = Path(__file__).resolve().parents[3]
# A made-up token of the right shape: base64("123456789012345678").timestamp.hmac
WELL_FORMED_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str


def bot_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env.update(settings)
    return env


async def run_bot(args: list[str], env: dict[str, str], cwd: Path, timeout_s: float = 60) -> Finished:
    """`cwd` is a scratch folder: no developer's `.env` is read."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout_s):
            stdout, stderr = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())
