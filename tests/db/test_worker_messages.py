"""What workers tell each other through NOTIFY: typed messages that survive the JSON round trip."""

from __future__ import annotations

import json

import pytest

from db.worker_messages import (
    CancelRequestedMessage,
    JobGoneMessage,
    JobQueuedMessage,
    PolicyChangedMessage,
    WorkerMessage,
    payload,
    read,
)

MESSAGES: list[WorkerMessage] = [
    JobQueuedMessage(sender="a", job_id=7, guild_id=1, user_id=10, workflow_name="txt2img"),
    JobGoneMessage(sender="b", job_id=8),
    CancelRequestedMessage(sender="a", job_id=9, by_user_id=42),
    CancelRequestedMessage(sender="a", job_id=9, by_user_id=None),
    PolicyChangedMessage(sender="gateway", guild_id=123456789012345678),
]


@pytest.mark.parametrize("message", MESSAGES)
def test_a_message_reads_back_as_what_was_sent(message: WorkerMessage) -> None:
    assert read(json.loads(json.dumps(payload(message)))) == message


@pytest.mark.parametrize(
    "received",
    [
        {"kind": "renamed", "sender": "a", "job_id": 1},
        {"kind": "queued", "sender": "a", "job_id": 1},
        {"kind": "gone", "sender": "a", "job_id": "seven"},
        {"e": "queued", "id": 1, "g": 1, "u": 1, "w": "txt2img"},
        {},
    ],
)
def test_a_message_we_do_not_know_is_ignored(received: dict[str, object]) -> None:
    assert read(received) is None
