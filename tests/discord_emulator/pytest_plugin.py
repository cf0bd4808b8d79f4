"""A pytest fixture for tests that need the emulator: add "tests.discord_emulator.pytest_plugin" to
pytest_plugins in tests/conftest.py, or import `discord_emulator` into a conftest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .emulator import DiscordEmulator


@pytest.fixture
async def discord_emulator() -> AsyncIterator[DiscordEmulator]:
    """A started emulator with no guilds yet; stopped after the test."""
    async with DiscordEmulator() as emulator:
        yield emulator
