"""The /song form, opened again filled in after a refusal, always fits Discord's modal limits."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui.open_forms import OpenForms
from bot.ui.song_modal import SongDraft, SongModal
from core.kinds.fields import LABEL_MAX_CHARS, LYRICS_MAX_CHARS
from tests.discord_emulator.rest.modals import validate_modal

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=LYRICS_MAX_CHARS)
LABEL = st.none() | st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=LABEL_MAX_CHARS)


async def _nothing(*_: Any) -> None:
    return None


def _form_payload(draft: SongDraft) -> dict[str, Any]:
    async def build() -> dict[str, Any]:
        form = SongModal(_nothing, _nothing, draft=draft, custom_id="song:form:1", forms=OpenForms())
        return form.to_dict()

    return asyncio.run(build())


@settings(max_examples=60, deadline=None)
@given(lyrics=TEXT, title=LABEL, genre=LABEL, mood=LABEL)
def test_any_draft_reopens_as_a_form_discord_accepts(
    lyrics: str, title: str | None, genre: str | None, mood: str | None
) -> None:
    payload = _form_payload(SongDraft(lyrics=lyrics, title=title, genre=genre, mood=mood))

    validate_modal(payload, answering_a_modal=False)  # raises DiscordError 400/50035 otherwise


def test_the_draft_comes_back_as_the_forms_pre_filled_values() -> None:
    draft = SongDraft(lyrics="[verse]\nla la", title="Night Drive", genre="synthpop", mood=None)

    payload = _form_payload(draft)

    components = [
        c
        for row in payload["components"]
        for c in ([row["component"]] if "component" in row else row["components"])
    ]
    inputs = [c for c in components if c["type"] == 4]
    # A file cannot be given back pre-filled: the lyrics-file upload opens empty beside the paragraph.
    assert [c["custom_id"] for c in components if c["type"] == 19] == ["song:lyrics_file"]
    assert {i["custom_id"]: i.get("value") for i in inputs} == {
        "song:lyrics": "[verse]\nla la",
        "song:title": "Night Drive",
        "song:genre": "synthpop",
        "song:mood": None,
    }
