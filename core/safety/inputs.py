"""Pictures a request brings, through the classifier before any job exists: where the guild's safety mode
would withhold a flagged result, a flagged picture is refused privately (nothing is stored). The refusal
names its rule (flagged_input:<label>), so the job service puts it in the guild's moderation log."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.errors import NotAllowed
from core.inputs.facts import InputKind
from core.jobs.given_input import GivenInput
from core.jobs.input_intake import InputIntake, InputKeeper
from core.jobs.policy import PolicyView, Requester, SafetyMode
from core.safety.checker import SafetyChecker
from core.safety.policy import checks_inputs
from core.safety.screen import flagged_rule

log = logging.getLogger(__name__)

FLAGGED_INPUT = (
    "I can't use that picture here: this server's content settings hold back pictures like it"
    " outside age-restricted channels."
)
FLAGGED_INPUT_EVERYWHERE = (
    "I can't use that picture: this server's content settings hold back pictures like it."
)


class InputFlagged(NotAllowed):
    """A picture given was flagged by the classifier where the guild withholds flagged pictures;
    `everywhere`: even in age-restricted channels (the front-end words it in the asker's language)."""

    def __init__(self, *, everywhere: bool, rule: str, excerpt: str) -> None:
        message = FLAGGED_INPUT_EVERYWHERE if everywhere else FLAGGED_INPUT
        super().__init__(message, rule=rule, excerpt=excerpt)
        self.everywhere = everywhere


class InputScreen:
    def __init__(self, checker: SafetyChecker | None = None) -> None:
        self._checker = checker

    async def admitted(
        self,
        intake: InputIntake,
        inputs: Sequence[GivenInput],
        policy: PolicyView,
        who: Requester,
        excerpt: str,
    ) -> InputKeeper:
        """The inputs inspected (InputIntake) and, where the guild withholds flagged pictures, checked; a
        refusal (InputRefused, InputFlagged) leaves nothing stored."""
        keeper = intake.keeper(await intake.inspect(inputs))
        try:
            given = [(item.given, item.facts.kind) for item in keeper.inputs]
            await self.check(policy, who, given, excerpt)
        except BaseException:
            await keeper.discard()
            raise
        return keeper

    async def check(
        self,
        policy: PolicyView,
        who: Requester,
        given: Sequence[tuple[GivenInput, InputKind]],
        excerpt: str,
    ) -> None:
        """Raise InputFlagged for the first flagged picture (video and audio inputs are not looked at)."""
        checker = self._checker
        if checker is None or not checks_inputs(policy.safety_mode, channel_is_nsfw=who.channel_is_nsfw):
            return
        for item, kind in given:
            if kind is not InputKind.IMAGE:
                continue
            verdict = await checker.check_picture(item.data)
            if verdict is None or not verdict.flagged:
                continue
            log.info("an input picture was flagged (%s); refused", ", ".join(verdict.reasons))
            everywhere = policy.safety_mode is SafetyMode.WITHHOLD
            raise InputFlagged(
                everywhere=everywhere, rule=flagged_rule("flagged_input", verdict.reasons), excerpt=excerpt
            )
