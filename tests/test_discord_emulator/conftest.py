"""Fixtures for the emulator's own tests: a running emulator with one guild, channel and member."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.discord_emulator import Channel, DiscordEmulator, Guild, Member


@dataclass
class Server:
    guild: Guild
    channel: Channel
    alice: Member


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emu:
        yield emu


@pytest.fixture
def server(emulator: DiscordEmulator) -> Server:
    guild = emulator.add_guild(name="Art Club")
    channel = emulator.add_channel(guild, "gallery")
    alice = emulator.add_member(guild, name="alice")
    return Server(guild, channel, alice)
