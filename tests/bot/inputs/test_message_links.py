"""Message links as Discord writes them, on every host it has used; anything else is not one."""

from __future__ import annotations

import pytest

from bot.inputs.message_links import MessageLink, chosen_file, find_message_link, is_file_link

GUILD, CHANNEL, MESSAGE = 111111111111111111, 222222222222222222, 333333333333333333
PATH = f"channels/{GUILD}/{CHANNEL}/{MESSAGE}"


@pytest.mark.parametrize(
    "text",
    [
        f"https://discord.com/{PATH}",
        f"https://ptb.discord.com/{PATH}",
        f"https://canary.discord.com/{PATH}",
        f"https://discordapp.com/{PATH}",
        f"<https://discord.com/{PATH}>",
        f"use this one https://Discord.com/{PATH} please",
    ],
)
def test_a_message_link_on_any_discord_host_is_read(text: str) -> None:
    assert find_message_link(text) == MessageLink(GUILD, CHANNEL, MESSAGE)


def test_a_direct_message_link_has_no_guild() -> None:
    link = find_message_link(f"https://discord.com/channels/@me/{CHANNEL}/{MESSAGE}")
    assert link == MessageLink(None, CHANNEL, MESSAGE)


@pytest.mark.parametrize(
    "text",
    [
        "a cat",
        f"https://discord.com/channels/{GUILD}/{CHANNEL}",  # a channel, not a message
        f"https://evil.example/{PATH}",
        f"https://discord.com.evil.example/{PATH}",
        f"https://cdn.discordapp.com/attachments/{CHANNEL}/{MESSAGE}/cat.png",
        f"https://discord.com/channels/{GUILD}/{CHANNEL}/{MESSAGE}/extra",
        "https://discord.com/channels/1/2/3",  # not snowflakes
    ],
)
def test_anything_else_is_not_a_message_link(text: str) -> None:
    assert find_message_link(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://cdn.discordapp.com/attachments/{CHANNEL}/{MESSAGE}/cat.png?ex=1&is=2&hm=3", True),
        (f"https://media.discordapp.net/attachments/{CHANNEL}/{MESSAGE}/cat.png", True),
        (f"https://discord.com/{PATH}", False),
        ("https://example.com/cat.png", False),
    ],
)
def test_a_link_to_a_file_itself_is_told_apart(text: str, expected: bool) -> None:
    assert is_file_link(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://discord.com/{PATH} #3", 3),
        (f"https://discord.com/{PATH}#2", 2),
        (f"<https://discord.com/{PATH}> # 4", 4),
        (f"https://discord.com/{PATH}", None),
        (f"https://discord.com/{PATH} #0", None),  # numbers start at 1
        (f"https://discord.com/{PATH} #123", None),
    ],
)
def test_the_number_after_a_link_says_which_file_of_its_message(text: str, expected: int | None) -> None:
    assert chosen_file(text) == expected
