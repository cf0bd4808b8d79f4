"""The result screen: every file's verdict kept on its record, the guild's mode decides once; a policy the
database cannot give right now does not leave the finished job unwritten."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from core.jobs.policy import PolicyCache, PolicyView
from core.moderation import RecordingModerationLog
from core.safety.checker import SafetyChecker, SafetyConfig
from core.safety.screen import ResultScreen
from db.enums import ArtifactType, SafetyAction, SafetyMode
from db.schemas import ArtifactCreate
from tests.core.safety.stand_in import MARKER, MarkerClassifier
from tests.core.safety.test_checker import png

GUILD = 4242


class PolicyStoreStandIn:
    """The policy store with no row for the guild (its defaults), or one whose database is away."""

    def __init__(self, *, away: bool = False) -> None:
        self.away = away

    async def get(self, guild_id: int) -> Any:
        if self.away:
            raise ConnectionRefusedError("the database is away")
        return None


def record(data_dir: Path, name: str, colour: tuple[int, int, int]) -> ArtifactCreate:
    data = png(colour)
    (data_dir / name).write_bytes(data)
    return ArtifactCreate(
        job_id=1,
        type=ArtifactType.IMAGE,
        path=name,
        mime_type="image/png",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def job(*, nsfw: bool = False) -> Any:
    return SimpleNamespace(id=1, guild_id=GUILD, user_id=7, channel_nsfw=nsfw, raw_input="a lighthouse")


@pytest.fixture
def checker() -> Any:
    checker = SafetyChecker(SafetyConfig(MarkerClassifier()))
    yield checker
    checker.close()


async def test_each_file_keeps_its_verdict_and_one_flagged_file_decides_for_the_result(
    tmp_path: Path, checker: SafetyChecker
) -> None:
    policies = PolicyCache(PolicyStoreStandIn())  # type: ignore[arg-type]
    policies.remember(replace(PolicyView.defaults(GUILD), safety_mode=SafetyMode.SPOILER))
    log = RecordingModerationLog()
    screen = ResultScreen(checker, policies, tmp_path, log)
    records = [record(tmp_path, "a.png", (10, 10, 10)), record(tmp_path, "b.png", MARKER)]

    screened = await screen.screen(job(), records)
    await screen.report(job(), screened)

    assert [r.safety["flagged"] for r in screened.records if r.safety] == [False, True]
    assert screened.action is SafetyAction.SPOILERED
    [entry] = log.entries
    assert (entry.rule, entry.action.value, entry.job_id) == (
        "flagged_result:FEMALE_BREAST_EXPOSED",
        "spoilered",
        1,
    )


async def test_a_policy_the_database_cannot_give_uses_the_last_one_read_else_holds_back(
    tmp_path: Path, checker: SafetyChecker
) -> None:
    away = PolicyCache(PolicyStoreStandIn(away=True), ttl_s=0.0)  # type: ignore[arg-type]
    flagged = [record(tmp_path, "b.png", MARKER)]
    never_read = await ResultScreen(checker, away, tmp_path).screen(job(), flagged)
    away.remember(replace(PolicyView.defaults(GUILD), safety_mode=SafetyMode.SPOILER))
    last_read = await ResultScreen(checker, away, tmp_path).screen(job(), flagged)
    assert never_read.action is SafetyAction.WITHHELD
    assert last_read.action is SafetyAction.SPOILERED


async def test_nothing_flagged_or_no_classifier_decides_nothing(
    tmp_path: Path, checker: SafetyChecker
) -> None:
    policies = PolicyCache(PolicyStoreStandIn(away=True))  # type: ignore[arg-type]
    clean = [record(tmp_path, "a.png", (10, 10, 10))]
    screened = await ResultScreen(checker, policies, tmp_path).screen(job(), clean)
    off = await ResultScreen(SafetyChecker(SafetyConfig()), policies, tmp_path).screen(job(), clean)
    assert screened.action is None
    assert off.action is None
    assert off.records == clean  # not checked: no verdict stored
    assert clean[0].safety is None
