"""Results as components V2 (issue 16): every image of a job in one gallery, songs as playable files, the
buttons inside the container, within Discord's caps, through the real bot and the emulator's validation."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator.layout import (
    buttons,
    components_of,
    files,
    footers,
    gallery_items,
    is_v2,
    text_of,
    texts,
    thumbnails,
)
from tests.discord_emulator.rest.components_v2 import MAX_COMPONENTS, MAX_TEXT, SECTION, THUMBNAIL
from tests.e2e.harness import form_id, job_state, running_world
from tests.e2e.test_song import LYRICS
from tests.fakes.comfyui import FakeConfig

V2 = 1 << 15


async def test_a_four_image_job_is_delivered_as_one_gallery(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "four foxes in the snow", "count": 4})
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        _, artifacts = await world.delivered(job.id)

    # The "thinking…" reply cannot carry the flag; its first edit sets it, and it stays.
    assert [is_v2(r) for r in message.revisions] == [False] + [True] * (len(message.revisions) - 1)
    assert (message.content, message.embeds) == ("", [])
    assert len(message.attachments) == 4
    urls = [item["media"]["url"] for item in gallery_items(message)]
    assert urls == [a.url for a in message.attachments], "one gallery, every image, in order"
    assert all(item["description"] == "four foxes in the snow" for item in gallery_items(message))
    assert sorted(a.attachment_url or "" for a in artifacts) == sorted(urls), "the CDN addresses recorded"
    assert "four foxes in the snow" in texts(message)[0]
    assert footers(message)[-1].startswith(f"Job #{job.id} · done")
    assert {b["custom_id"] for b in buttons(message)} >= {f"job:reroll:{job.id}", f"job:info:{job.id}"}
    [container] = message.components
    assert container["type"] == 17, "one container holds it all"


async def test_a_song_result_has_a_playable_file_for_each_take(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.wait_acked(await world.slash("song", {"genre": "synthpop"}))
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": LYRICS, "song:title": "Night Drive", "song:genre": "synthpop", "song:mood": ""},
            world.alice,
            world.channel,
        )
        message = await world.wait_for_final(answer)

    takes = files(message)
    assert len(takes) == 2, "two takes, each a File component"
    by_url = {a.url: a for a in message.attachments}
    for take in takes:
        attachment = by_url[take["file"]["url"]]
        assert attachment.content_type is not None
        assert attachment.content_type.startswith("audio/"), "declared as audio: clients play it inline"
        assert (take["name"], take["size"]) == (attachment.filename, attachment.size)
    assert gallery_items(message) == [], "no image gallery for a song"
    assert "Night Drive" in text_of(message)


async def test_result_buttons_on_a_v2_message_work_after_a_restart(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a paper boat"})
        result = await world.wait_for_final(interaction)
        original = await world.job_for(result)
        await world.restart_bot()
        click = await world.emu.click_button(result, f"job:reroll:{original.id}", world.alice)
        rerolled = await world.wait_for_final(click)

    assert is_v2(result)
    assert f"job:reroll:{original.id}" in [b["custom_id"] for b in buttons(result)]
    assert rerolled.id != result.id
    assert is_v2(rerolled)
    assert (await world.job_for(rerolled)).parent_id == original.id


async def test_a_long_prompt_is_shown_whole_within_discords_caps(database_url: str, tmp_path: Path) -> None:
    prompt = " ".join(["a very detailed harbour at dawn with gulls"] * 46)[:2000]
    negative = ", ".join(["blur"] * 200)[:1000]
    async with running_world(database_url, tmp_path) as world:
        options = {"prompt": prompt, "negative": negative, "count": 4}
        message = await world.wait_for_final(await world.slash("imagine", options))
        refused = [c for c in world.emu.calls if c.status == 400]

    assert refused == [], "Discord refused nothing"
    for revision in message.revisions[1:]:
        assert sum(len(t) for t in texts(revision)) <= MAX_TEXT
        assert len(list(components_of(revision))) <= MAX_COMPONENTS
    assert prompt in texts(message)[0], "the whole prompt, not a preview of it"
    assert "blur, blur" in text_of(message), "and the negative prompt"
    assert len(gallery_items(message)) == 4


async def test_the_running_state_shows_the_latest_preview_beside_the_progress(
    database_url: str, tmp_path: Path
) -> None:
    slow = FakeConfig(step_time_s=0.05, default_steps=10)
    async with running_world(database_url, tmp_path, fake_config=slow) as world:
        _, message = await world.imagine_running("a lighthouse")
        await world.emu.wait_for(lambda: job_state(message) == "running" and bool(thumbnails(message)))
        running = message.current
        await world.wait_for_message_final(message)

    [section] = [c for c in components_of(running) if c["type"] == SECTION]
    assert section["accessory"]["type"] == THUMBNAIL
    preview = next(a for a in running.attachments if a.url == section["accessory"]["media"]["url"])
    assert preview.filename.startswith("preview.")
    assert preview.content_type is not None
    assert preview.content_type.startswith("image/")
    [text] = section["components"]
    assert "% ·" in text["content"], "the progress bar beside its preview"
    assert thumbnails(message) == [], "the result shows the images themselves, not a preview"
