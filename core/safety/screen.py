"""A finished job's files through the classifier before its outcome is written, and what the guild's safety
mode does with a flagged one: decided once, stored on the job (and each file's scores on its artifact), and
handed to the guild's moderation log. Delivery, /history and a restart read the stored decision.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.jobs.policy import PolicyCache
from core.moderation import ModerationAction, ModerationEntry, ModerationLog, NullModerationLog
from core.safety.checker import SafetyChecker
from core.safety.policy import action_for
from db.enums import SafetyAction, SafetyMode
from db.schemas import ArtifactCreate
from db.snapshots import JobView

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Screened:
    records: list[ArtifactCreate]  # each with its verdict, when it was checked
    action: SafetyAction | None  # None: shown as it is
    reasons: tuple[str, ...] = ()  # the labels that flagged it, for the log


def flagged_rule(what: str, reasons: Sequence[str]) -> str:
    """The moderation log's rule: ``flagged_result:FEMALE_BREAST_EXPOSED`` (the strongest label)."""
    return f"{what}:{reasons[0]}" if reasons else what


class ResultScreen:
    def __init__(
        self,
        checker: SafetyChecker,
        policies: PolicyCache,
        data_dir: Path,
        moderation: ModerationLog | None = None,
    ) -> None:
        self._checker = checker
        self._policies = policies
        self._data_dir = data_dir
        self._moderation = moderation or NullModerationLog()

    async def screen(self, job: JobView, records: Sequence[ArtifactCreate]) -> Screened:
        if self._checker.classifier is None:
            return Screened(list(records), None)
        checked: list[ArtifactCreate] = []
        reasons: list[str] = []
        for record in records:
            verdict = await self._checker.check_file(self._data_dir / record.path, record.type)
            if verdict is None:
                checked.append(record)
                continue
            checked.append(record.model_copy(update={"safety": verdict.document()}))
            reasons += verdict.reasons
        if not reasons:
            return Screened(checked, None)
        mode = await self._mode(job.guild_id)
        action = action_for(mode, flagged=True, channel_is_nsfw=job.channel_nsfw)
        log.info("flagged by the classifier (%s); %s", ", ".join(dict.fromkeys(reasons)), action or "shown")
        return Screened(checked, action, tuple(dict.fromkeys(reasons)))

    async def _mode(self, guild_id: int) -> SafetyMode:
        """The guild's mode; if the database cannot say now, the one last read, else the safest (a lookup
        that raised would leave the finished job unwritten)."""
        try:
            return (await self._policies.get(guild_id)).safety_mode
        except Exception as exc:
            cached = self._policies.peek(guild_id)
            if cached is not None:
                log.warning("the guild's safety mode could not be read (%s); using the last one read", exc)
                return cached.safety_mode
            log.warning("the guild's safety mode could not be read (%s); holding the result back", exc)
            return SafetyMode.WITHHOLD

    async def report(self, job: JobView, screened: Screened) -> None:
        """A spoilered or withheld result in the guild's moderation log (which never raises)."""
        if screened.action is None:
            return
        entry = ModerationEntry(
            guild_id=job.guild_id,
            user_id=job.user_id,
            job_id=job.id,
            rule=flagged_rule("flagged_result", screened.reasons),
            excerpt=job.raw_input,
            action=ModerationAction(screened.action.value),
        )
        await self._moderation.record(entry)
