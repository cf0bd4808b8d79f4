"""Every extension imports, has a setup(), and no two of them claim the same slash command.

After python-discord/bot's tests/bot/exts/test_cogs.py: the cogs are inspected as classes, so the test needs
neither Discord nor a running core. Discord would reject a sync with two commands of the same name, and a
later add_cog would silently replace an earlier command in the tree.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter
from collections.abc import Iterator
from types import ModuleType

from discord import app_commands
from discord.ext import commands

import bot.exts
from bot.client import EXTENSIONS
from bot.exts._browsing_extensions import BROWSING_EXTENSIONS


def extension_names() -> list[str]:
    """Modules under bot.exts, except private helpers (a leading underscore)."""
    return sorted(
        module.name
        for module in pkgutil.walk_packages(bot.exts.__path__, f"{bot.exts.__name__}.")
        if not module.name.rsplit(".", 1)[-1].startswith("_") and not module.ispkg
    )


def extensions() -> Iterator[ModuleType]:
    for name in extension_names():
        yield importlib.import_module(name)


def cogs_of(module: ModuleType) -> list[type[commands.Cog]]:
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, commands.Cog) and value.__module__ == module.__name__
    ]


def top_level_names(cog: type[commands.Cog]) -> list[str]:
    """What the cog adds at the top of the command tree: its group's name, or each of its commands."""
    if cog.__cog_is_app_commands_group__:
        return [str(cog.__cog_group_name__)]
    return [str(command.name) for command in cog.__cog_app_commands__ if command.parent is None]


def test_every_extension_has_a_setup_and_a_cog() -> None:
    for module in extensions():
        assert inspect.iscoroutinefunction(getattr(module, "setup", None)), (
            f"{module.__name__} has no setup()"
        )
        assert cogs_of(module), f"{module.__name__} defines no cog"


def test_no_two_commands_share_a_name() -> None:
    names = [name for module in extensions() for cog in cogs_of(module) for name in top_level_names(cog)]
    assert names, "no slash commands found"
    clashes = [name for name, count in Counter(names).items() if count > 1]
    assert clashes == [], f"commands defined more than once: {clashes}"


def test_subcommands_of_a_group_have_distinct_names() -> None:
    def walk(group: app_commands.Group) -> Iterator[app_commands.Group]:
        yield group
        for child in group.commands:
            if isinstance(child, app_commands.Group):
                yield from walk(child)

    for module in extensions():
        for cog in cogs_of(module):
            groups = [c for c in cog.__cog_app_commands__ if isinstance(c, app_commands.Group)]
            for top in groups:
                for group in walk(top):
                    names = [child.name for child in group.commands]
                    assert len(names) == len(set(names)), f"/{group.qualified_name} repeats a subcommand"


def test_the_browsing_extensions_are_real_extensions() -> None:
    assert set(BROWSING_EXTENSIONS) <= set(extension_names())
    expected = {"history", "show", "rerun", "queue", "cancel", "settings", "workflows"}
    names = {
        name
        for extension in BROWSING_EXTENSIONS
        for cog in cogs_of(importlib.import_module(extension))
        for name in top_level_names(cog)
    }
    assert names == expected


def test_the_bot_loads_every_extension_once() -> None:
    assert sorted(EXTENSIONS) == extension_names()
    assert len(set(EXTENSIONS)) == len(EXTENSIONS)
