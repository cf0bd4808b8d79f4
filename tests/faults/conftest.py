"""The faults suite's figures (crash recovery, generated cases, seeds) reach the output with or without -s:
tests hand them to `report_figures`, and they are listed in a "fault figures" section of the summary (and in
the test's user_properties, which a JUnit XML of the legacy family includes)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

FIGURES: dict[str, dict[str, object]] = {}

ReportFigures = Callable[..., None]


@pytest.fixture
def report_figures(request: pytest.FixtureRequest) -> ReportFigures:
    def report(**figures: object) -> None:
        FIGURES.setdefault(request.node.nodeid, {}).update(figures)
        request.node.user_properties.extend(figures.items())
        print(f"\n{request.node.name}: " + ", ".join(f"{name}={value}" for name, value in figures.items()))

    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.write_sep("-", "fault figures")
    for nodeid, figures in FIGURES.items():
        terminalreporter.write_line(
            f"{nodeid}: " + ", ".join(f"{name}={value}" for name, value in figures.items())
        )
