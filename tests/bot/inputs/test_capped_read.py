"""The capped reader against a real HTTP server: it refuses from what the server says when that is already
too much, and stops reading when the body passes the cap whatever the server said."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from bot.inputs.capped_read import read_capped
from bot.locales import Catalogue, Words
from core.errors import UserFacingError
from core.inputs import InputRefused, RefusalReason
from core.inputs.facts import too_large
from core.texts import Text

CAP = 1024 * 1024
CHUNK = 64 * 1024


@dataclass
class Server:
    url: str
    requests: list[str] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)


async def _stream(request: web.Request, total: int, *, say_length: int | None) -> web.StreamResponse:
    server = request.app[SERVER]
    response = web.StreamResponse()
    if say_length is not None:
        response.content_length = say_length
    await response.prepare(request)
    server.sent[request.path] = 0
    try:
        while server.sent[request.path] < total:
            await response.write(b"\0" * CHUNK)
            server.sent[request.path] += CHUNK
    except ConnectionError:
        pass
    return response


SERVER = web.AppKey("server", Server)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    app = web.Application()
    state = Server("")

    @web.middleware
    async def count(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        state.requests.append(request.path)
        return await handler(request)

    app.middlewares.append(count)
    app[SERVER] = state

    async def small(request: web.Request) -> web.StreamResponse:
        return await _stream(request, CAP // 2, say_length=CAP // 2)

    async def honest_big(request: web.Request) -> web.StreamResponse:
        return await _stream(request, 100 * CAP, say_length=100 * CAP)

    async def unsaid_big(request: web.Request) -> web.StreamResponse:
        return await _stream(request, 100 * CAP, say_length=None)

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404)

    for path, handler in (
        ("/small", small),
        ("/honest-big", honest_big),
        ("/unsaid-big", unsaid_big),
        ("/missing", missing),
    ):
        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


async def test_a_file_under_the_cap_is_read_whole(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        data = await read_capped(http, server.url + "/small", max_bytes=CAP, declared_size=CAP // 2)
    assert len(data) == CAP // 2


async def test_a_declared_size_over_the_cap_is_refused_without_a_request(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(InputRefused) as refused:
            await read_capped(http, server.url + "/honest-big", max_bytes=CAP, declared_size=100 * CAP)
    assert refused.value.reason is RefusalReason.TOO_LARGE
    assert "100 MB" in refused.value.user_message
    assert server.requests == []


async def test_a_content_length_over_the_cap_is_refused_before_the_body(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(InputRefused):
            await read_capped(http, server.url + "/honest-big", max_bytes=CAP)
    assert server.sent["/honest-big"] < 100 * CAP


async def test_a_body_longer_than_declared_is_cut_off_at_the_cap(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(InputRefused) as refused:
            # The size it was said to have is small: the reader counts the bytes anyway.
            await read_capped(http, server.url + "/unsaid-big", max_bytes=CAP, declared_size=1000)
    assert refused.value.reason is RefusalReason.TOO_LARGE
    assert server.sent["/unsaid-big"] < 100 * CAP


async def test_a_failed_download_is_a_friendly_refusal(server: Server) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(UserFacingError, match="couldn't download the picture"):
            await read_capped(
                http, server.url + "/missing", max_bytes=CAP, what=Text("download.what.picture", "picture")
            )
        with pytest.raises(UserFacingError, match="couldn't download"):
            await read_capped(http, "http://127.0.0.1:9/nothing", max_bytes=CAP)


async def test_a_failed_download_reaches_a_german_member_in_german(server: Server) -> None:
    german = Words(Catalogue.shipped(), "de")
    async with aiohttp.ClientSession() as http:
        with pytest.raises(UserFacingError) as failed:
            await read_capped(
                http, server.url + "/missing", max_bytes=CAP, what=Text("download.what.picture", "picture")
            )
    assert failed.value.text is not None
    assert german.say(failed.value.text) == (
        "Ich konnte das Bild nicht herunterladen; bitte hänge die Datei noch einmal an."
    )


def test_a_file_too_large_says_its_size_and_the_limit_in_both_languages() -> None:
    english, german = Words(Catalogue.shipped(), "en"), Words(Catalogue.shipped(), "de")
    sized, unsized = too_large(CAP, 3 * CAP).text, too_large(CAP).text
    assert sized is not None
    assert unsized is not None
    assert english.say(sized) == str(sized) == "That file is too large (3 MB); the limit is 1 MB."
    assert english.say(unsized) == str(unsized) == "That file is too large; the limit is 1 MB."
    assert german.say(sized) == "Diese Datei ist zu groß (3 MB); die Grenze ist 1 MB."
