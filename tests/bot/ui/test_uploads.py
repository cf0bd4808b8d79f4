"""Uploads declare their real media type (discord.py would declare every file application/octet-stream)."""

from __future__ import annotations

import aiohttp
import pytest

from bot.ui.uploads import media_type, typed_file


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("imagine_00001_.png", "image/png"),
        ("shrunk.WEBP", "image/webp"),
        ("preview.jpg", "image/jpeg"),
        ("bot_song_00002_.mp3", "audio/mpeg"),
        ("take.flac", "audio/flac"),
        ("clip.mp4", "video/mp4"),
        ("mystery", "application/octet-stream"),
    ],
)
def test_media_type_follows_the_file_name(filename: str, expected: str) -> None:
    assert media_type(filename) == expected


def test_the_multipart_part_declares_the_files_type_even_when_told_octet_stream() -> None:
    # Exactly what discord.py does with a file (http.handle_message_parameters + HTTPClient.request).
    file = typed_file("imagine_00001_.png", b"\x89PNG\r\n\x1a\n")
    form = aiohttp.FormData(quote_fields=False)
    form.add_field(
        name="files[0]", value=file.fp, filename=file.filename, content_type="application/octet-stream"
    )
    [(part, _, _)] = form()._parts
    assert part.headers["Content-Type"] == "image/png"
    assert part.size == 8
