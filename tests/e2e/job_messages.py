"""Reading a job's message as a member sees it: the state its footer shows (in any shipped language), and
the states and edits it went through."""

from __future__ import annotations

from bot.locales import REFERENCE, Catalogue
from tests.discord_emulator import Message, MessageRevision
from tests.discord_emulator.layout import footers

FINAL_STATES = ("done", "failed", "cancelled", "withheld")


def _footer_states() -> tuple[tuple[str, ...], dict[str, str]]:
    """Each shipped language's footer start ("Job #", "Auftrag #") and its state words, read as English."""
    catalogue = Catalogue.shipped()
    starts, states = [], {}
    for sections in catalogue.languages.values():
        starts.append(sections["texts"]["job.footer"].split("{", 1)[0])
        for key, word in sections["texts"].items():
            if key.startswith("job.state."):
                states[word] = catalogue.text(REFERENCE, key)
    return tuple(starts), states


_FOOTER_STARTS, _STATES_IN_ENGLISH = _footer_states()


def job_state(message: Message | MessageRevision) -> str | None:
    """The state a job message shows, in English whatever the message's language: its footer line reads
    "Job #<id> · <state>" (queued, done…), or "Auftrag #<id> · <Zustand>" in German."""
    for text in footers(message):
        if text.startswith(_FOOTER_STARTS) and " · " in text:
            shown = text.split(" · ")[1]
            return _STATES_IN_ENGLISH.get(shown, shown)
    return None


def is_final(message: Message) -> bool:
    """A job message that shows a result, a failure or a cancellation."""
    return job_state(message) in FINAL_STATES


def revision_key(revision: MessageRevision) -> tuple[object, ...]:
    return (
        revision.content,
        revision.embeds,
        revision.components,
        [(a.filename, a.data) for a in revision.attachments],
        revision.flags,
    )


def assert_no_repeated_revisions(message: Message) -> None:
    """The bot never sent an edit that changed nothing."""
    keys = [revision_key(r) for r in message.revisions]
    repeats = [i for i in range(1, len(keys)) if keys[i] == keys[i - 1]]
    assert not repeats, f"revisions {repeats} of message {message.id} repeat the one before"


def states_shown(message: Message) -> list[str]:
    """The job states a message went through, consecutive duplicates merged."""
    shown: list[str] = []
    for revision in message.revisions:
        state = job_state(revision)
        if state is not None and (not shown or shown[-1] != state):
            shown.append(state)
    return shown
