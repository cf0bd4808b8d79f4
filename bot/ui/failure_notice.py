"""A failure told in a server's log channel (core.jobs.failure_notices): which job, of what kind, whose, why
in its member's words, then what the server said, scrubbed and cut as /show gives it to a manager
(bot.ui.failure_detail). A count of failures alike names the last one counted.

Its maker is named, never pinged: the post is sent with no mentions allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.locales import Words
from bot.ui.failure_detail import detail_block
from bot.ui.wording import kind_noun
from core.jobs.failure_notices import FailureNotice
from core.kinds import spec_of

# The reason is a sentence of the bot's, but one a client made for its case may be long: the sentence and
# the detail's block (at most bot.ui.failure_detail.MAX_DETAIL_CHARS) must fit one message's 2000.
MAX_REASON_CHARS = 300


def failure_notice_text(words: Words, notice: FailureNotice, *, secrets: Iterable[str] = ()) -> str:
    failure, job = notice.failure, notice.failure.job
    reason = words.say(failure.reason).strip()
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[: MAX_REASON_CHARS - 1] + "…"
    values = {
        "job_id": job.id,
        "kind": kind_noun(words, spec_of(job.params)),
        "user": f"<@{job.user_id}>",
        "reason": reason,
    }
    if notice.more == 0:
        said = words("failnotice.failed", **values)
    elif notice.more == 1:
        said = words("failnotice.more_one", **values)
    else:
        said = words("failnotice.more_many", count=notice.more, **values)
    if not failure.detail.strip():
        return said
    return f"{said}\n{words('failnotice.detail')}\n{detail_block(failure.detail, secrets=secrets)}"
