"""Fixtures for the emulator's own tests: a running emulator with one guild, channel and member."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.discord_emulator import Channel, DiscordEmulator, Guild, Member
from tests.discord_emulator.pytest_plugin import discord_emulator

__all__ = ["discord_emulator"]


@dataclass
class Server:
    guild: Guild
    channel: Channel
    alice: Member


@pytest.fixture
def emulator(discord_emulator: DiscordEmulator) -> DiscordEmulator:
    return discord_emulator


@pytest.fixture
def server(emulator: DiscordEmulator) -> Server:
    guild = emulator.add_guild(name="Art Club")
    channel = emulator.add_channel(guild, "gallery")
    alice = emulator.add_member(guild, name="alice")
    return Server(guild, channel, alice)
