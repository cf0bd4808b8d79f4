"""/song's options offer only what the parser accepts: Discord should not let a user pick a refused value."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.exts._song_options import CUSTOM_ID_MAX, SongOptions, carried_form, form_custom_id
from bot.exts.song import Song
from comfy.workflows.music import TEMPO_RANGE


def test_the_tempo_option_range_is_the_tempo_the_song_accepts() -> None:
    tempo = next(p for p in Song.song.parameters if p.name == "tempo")
    assert (tempo.min_value, tempo.max_value) == TEMPO_RANGE


LABEL = st.none() | st.text(min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    tempo=st.none() | st.integers(*TEMPO_RANGE),
    key=st.none() | st.text(min_size=1, max_size=20),
    time_signature=st.none() | st.sampled_from(["2/4", "3/4", "4/4", "6/8"]),
    duration=st.none() | st.text(min_size=1, max_size=10),
    language=LABEL,
    workflow=LABEL,
)
def test_a_lyrics_forms_id_carries_the_options_whole_or_not_at_all(
    tempo: int | None,
    key: str | None,
    time_signature: str | None,
    duration: str | None,
    language: str | None,
    workflow: str | None,
) -> None:
    options = SongOptions(tempo, key, time_signature, duration, language=language)
    custom_id = form_custom_id(123456789012345678, options, workflow=workflow, covering=False)

    assert len(custom_id) <= CUSTOM_ID_MAX
    carried = carried_form(custom_id)
    if carried is None:
        assert custom_id == "song:form:123456789012345678", "too long to carry: none of it"
    else:
        assert (carried.options, carried.workflow) == (options, workflow)


def test_a_covers_form_carries_no_options_its_song_cannot_ride_along() -> None:
    options = SongOptions(tempo=120, strength=0.5)
    custom_id = form_custom_id(1, options, workflow=None, covering=True)
    assert (custom_id, carried_form(custom_id)) == ("song:form:1", None)
