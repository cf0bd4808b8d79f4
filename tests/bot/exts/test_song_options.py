"""/song's options offer only what the parser accepts: Discord should not let a user pick a refused value."""

from __future__ import annotations

from bot.exts.song import Song
from comfy.workflows.music import TEMPO_RANGE


def test_the_tempo_option_range_is_the_tempo_the_song_accepts() -> None:
    tempo = next(p for p in Song.song.parameters if p.name == "tempo")
    assert (tempo.min_value, tempo.max_value) == TEMPO_RANGE
