"""The faults suite's figures (crash recovery, generated cases, seeds) reach the output with or without -s:
tests hand them to `report_figures`, and they are listed in a "fault figures" section of the summary (and in
the test's user_properties, which a JUnit XML of the legacy family includes)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable

import pytest

from db.migrate import upgrade_to_head
from tests.faults.own_postgres import OwnPostgres, missing_reason, own_postgres

FIGURES: dict[str, dict[str, object]] = {}

ReportFigures = Callable[..., None]


@pytest.fixture
def report_figures(request: pytest.FixtureRequest) -> ReportFigures:
    def report(**figures: object) -> None:
        FIGURES.setdefault(request.node.nodeid, {}).update(figures)
        request.node.user_properties.extend(figures.items())
        print(f"\n{request.node.name}: " + ", ".join(f"{name}={value}" for name, value in figures.items()))

    return report


@pytest.fixture
async def restartable_postgres() -> AsyncIterator[OwnPostgres]:
    """A PostgreSQL server of the test's own (own_postgres.py), migrated to head, for tests that stop and
    start it: the shared server on 5432 stays up for everything else. Skipped where no server can be run,
    except with env CI=true, where that fails."""
    if reason := missing_reason():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL is required)")
        pytest.skip(reason)
    async with own_postgres() as server:
        await upgrade_to_head(server.url)
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.write_sep("-", "fault figures")
    for nodeid, figures in FIGURES.items():
        terminalreporter.write_line(
            f"{nodeid}: " + ", ".join(f"{name}={value}" for name, value in figures.items())
        )
