"""/history shows the pictures of its page as a components V2 gallery (issue 16)."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator.layout import buttons, gallery_items, is_v2, texts
from tests.e2e.test_history_support import answer, browsing_world, control_id, finished, imagined, submit


async def test_each_page_shows_a_gallery_of_its_pictures(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        foxes = [await imagined(world, world.alice, f"fox number {n}") for n in range(11)]
        song = (await submit(world, world.alice, "la la", song=True)).job
        await finished(world, song.id)
        listing = await answer(world, await world.slash("history"))
        first_page = list(gallery_items(listing))
        first_files = {a.url: a for a in listing.attachments}
        await world.emu.click_button(listing, control_id(listing, "history:older"), world.alice)
        await world.emu.wait_for(lambda: len(listing.revisions) == 3)

    assert is_v2(listing)
    # Page 1: the song and the nine newest foxes; only the foxes have a picture.
    assert len(first_page) == 9
    assert [item["description"] for item in first_page] == [
        f"#{fox.id} fox number {n}" for n, fox in reversed(list(enumerate(foxes)))
    ][:9]
    for item in first_page:
        thumbnail = first_files[item["media"]["url"]]
        assert thumbnail.content_type == "image/jpeg"
        assert thumbnail.filename == f"job-{item['description'].split()[0][1:]}.jpg"
    # Page 2: the two oldest foxes, in a gallery of their own.
    assert [item["description"] for item in gallery_items(listing)] == [
        f"#{foxes[1].id} fox number 1",
        f"#{foxes[0].id} fox number 0",
    ]
    assert f"**#{song.id}**" not in texts(listing)[0]
    assert buttons(listing), "the page's buttons sit under the gallery"
