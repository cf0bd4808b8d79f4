"""A failed job's detail as a manager reads it through /show: in a code block the detail cannot break out
of, with secrets scrubbed as the log scrubs them, and short enough for one Discord message (2000
characters, https://discord.com/developers/docs/resources/message#create-message-jsonform-params)."""

from __future__ import annotations

from bot.locales import Catalogue, Words
from bot.ui.failure_detail import MAX_DETAIL_CHARS, failure_detail_message

ENGLISH = Words(Catalogue.shipped(), "en")
GERMAN = Words(Catalogue.shipped(), "de")
DISCORD_LIMIT = 2000


def _block(message: str) -> str:
    """What is inside the message's one code block."""
    _, fence, rest = message.partition("\n```\n")
    assert fence, message
    assert rest.endswith("\n```"), message
    inside = rest.removesuffix("\n```")
    assert "```" not in inside, "the detail cannot end the block early"
    return inside


def test_the_detail_follows_a_sentence_in_the_managers_language() -> None:
    detail = "node 3 (KSampler) raised RuntimeError: KSampler: simulated failure"

    english = failure_detail_message(ENGLISH, 42, detail)
    german = failure_detail_message(GERMAN, 42, detail)

    assert english.startswith("Job #42 failed, so it has no results to show.")
    assert german.startswith("Auftrag #42 ist fehlgeschlagen")
    assert _block(english) == detail
    assert _block(german) == detail


def test_credentials_tokens_and_the_operators_secrets_are_scrubbed() -> None:
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"
    detail = (
        "gave up after 3 attempts: cannot reach http://admin:hunter2@gpu.example:8188/prompt; "
        f"https://apikey123@proxy.example/ws; token {token}; "
        "https://discord.com/api/webhooks/123/aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2Rl; "
        "database said: password s3cret-db-pass rejected"
    )

    shown = _block(failure_detail_message(ENGLISH, 7, detail, secrets=["s3cret-db-pass"]))

    for secret in ("hunter2", "admin:", "apikey123", token, "aW50ZXJhY3Rpb2", "s3cret-db-pass"):
        assert secret not in shown
    assert "http://[credentials]@gpu.example:8188/prompt" in shown
    assert "https://[credentials]@proxy.example/ws" in shown
    assert "[secret]" in shown


def test_a_fence_in_the_detail_stays_inside_the_block() -> None:
    detail = "ComfyUI said:\n```\nTraceback (most recent call last)\n```\nend"

    inside = _block(failure_detail_message(ENGLISH, 7, detail))

    assert "Traceback (most recent call last)" in inside
    assert inside.endswith("end")


def test_a_long_detail_is_cut_to_fit_one_message() -> None:
    detail = "node 9 (VAEDecode) raised RuntimeError: " + "x" * 5000 + " the end"

    for words in (ENGLISH, GERMAN):
        message = failure_detail_message(words, 2**53, detail)
        inside = _block(message)

        assert len(message) <= DISCORD_LIMIT
        assert len(inside) == MAX_DETAIL_CHARS
        assert inside.startswith("node 9 (VAEDecode) raised RuntimeError: xxx")
        assert inside.endswith("…")
