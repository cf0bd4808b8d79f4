"""`python -m bot check`: is everything the bot needs in place? One line per check, a fix for each failure.

Exit code 0 only when every check passes, so it can gate a deployment or a container start.
"""

from __future__ import annotations

import sys
from typing import TextIO

import aiohttp

from bot.cli.check_comfyui import check_backend, check_workflow_files
from bot.cli.check_data_dir import check_data_dir
from bot.cli.check_database import check_database
from bot.cli.check_result import CheckResult, report
from bot.cli.token_shape import check_token_shape
from bot.settings import Settings
from core.kinds import default_kinds


async def check(settings: Settings, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    results: list[CheckResult] = []

    def note(found: CheckResult | list[CheckResult]) -> None:
        for result in found if isinstance(found, list) else [found]:
            results.append(result)
            report(result, out)

    note(check_token_shape(settings.discord_token.get_secret_value()))
    note(await check_data_dir(settings.data_dir))
    note(await check_database(settings.database_url))
    catalogue = await default_kinds().load_catalogue(settings.workflows_dir)
    note(check_workflow_files(catalogue, settings.workflows_dir))
    urls = settings.comfyui_url_list
    if not urls:
        note(CheckResult.failed("COMFYUI_URLS is empty", "set COMFYUI_URLS, e.g. http://127.0.0.1:8188"))
    async with aiohttp.ClientSession() as http:  # the one HTTP session of this process
        for url in urls:
            note(await check_backend(http, url, catalogue))
    failed = sum(not result.ok for result in results)
    out.write(f"{len(results) - failed} passed, {failed} failed\n" if failed else "all checks passed\n")
    return 1 if failed else 0
