"""`python -m bot check`: is everything the bot needs in place? One line per check, a fix for each failure.

Exit code 0 only when every check passes, so it can gate a deployment or a container start. Warnings (a
kind of job no backend can run, which the bot then switches off) are shown with their fix but pass.
"""

from __future__ import annotations

import sys
from typing import TextIO

import aiohttp

from bot.cli.check_comfyui import BackendCheck, check_backend, check_workflow_files
from bot.cli.check_data_dir import check_data_dir
from bot.cli.check_database import check_database
from bot.cli.check_inputs import workflow_inputs
from bot.cli.check_kinds import checked_workflows, kind_results
from bot.cli.check_models import workflow_models
from bot.cli.check_result import CheckResult, report
from bot.cli.check_safety import check_safety
from bot.cli.check_stored import servers_workflow_results, servers_workflows, with_stored_workflows
from bot.cli.runtime_config import enabled_kinds
from bot.cli.startup_failure import StartupFailure
from bot.cli.token_shape import check_token_shape
from bot.settings import Settings
from comfy.artifacts import FileOpener, open_for_writing
from core.kinds import default_kinds


async def check(
    settings: Settings, out: TextIO | None = None, *, open_file: FileOpener = open_for_writing
) -> int:
    """`open_file`: how DATA_DIR's files are written (a test fills the disk through it)."""
    out = out or sys.stdout
    results: list[CheckResult] = []

    def note(found: CheckResult | list[CheckResult]) -> None:
        for result in found if isinstance(found, list) else [found]:
            results.append(result)
            report(result, out)

    note(check_token_shape(settings.discord_token.get_secret_value()))
    note(await check_data_dir(settings.data_dir, open_file))
    note(await check_database(settings.database_url))
    kinds = default_kinds()
    try:
        enabled = enabled_kinds(settings, kinds)
    except StartupFailure as failure:
        note(CheckResult.failed(failure.what, failure.fix))
        enabled = None
    catalogue = await with_stored_workflows(
        settings.database_url, kinds, await kinds.load_catalogue(settings.workflows_dir)
    )
    note(check_workflow_files(catalogue, settings.workflows_dir))
    names = checked_workflows(kinds, catalogue, enabled)
    own = servers_workflows(catalogue)
    note(workflow_inputs(kinds, catalogue, names))
    note(workflow_models(kinds, catalogue, names))
    urls = settings.comfyui_url_list
    if not urls:
        note(CheckResult.failed("COMFYUI_URLS is empty", "set COMFYUI_URLS, e.g. http://127.0.0.1:8188"))
    backends: list[BackendCheck] = []
    async with aiohttp.ClientSession() as http:  # the one HTTP session of this process
        for url in urls:
            backends.append(await check_backend(http, url, catalogue, names + own))
            note(backends[-1].results)
    note(kind_results(kinds, catalogue, enabled, backends))
    note(servers_workflow_results(catalogue, own, backends))
    note(await check_safety(settings))
    out.write(_summary(results))
    return 1 if any(not result.ok for result in results) else 0


def _summary(results: list[CheckResult]) -> str:
    failed = sum(not result.ok for result in results)
    warned = sum(result.warning for result in results)
    warnings = f"{warned} warning{'s' if warned != 1 else ''}"
    if not failed:
        return f"all checks passed, {warnings}\n" if warned else "all checks passed\n"
    passed = len(results) - failed - warned
    return (
        f"{passed} passed, {warnings}, {failed} failed\n" if warned else f"{passed} passed, {failed} failed\n"
    )
