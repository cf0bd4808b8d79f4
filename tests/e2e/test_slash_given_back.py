"""A refused slash command gives back what the member wrote into it (a prompt, an instruction, a song's
words about itself): the whole command, to copy into the message box again, under the refusal that is said
as before. A short text is left out: it is typed again sooner than copied."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator import Message
from tests.e2e.harness import World, running_world
from tests.e2e.media_support import NOT_A_PICTURE, assert_nothing_stored, private_answer

PROMPT = "a lighthouse on a cliff at dusk, waves crashing below, oil painting, warm light"
BLOCKED = "Your request contains a word this server blocks (“gore”). Please rephrase it."


def given_back(refusal: str, typed: str) -> str:
    return f"{refusal}\n\nWhat you wrote:\n```\n{typed}\n```"


async def refused(
    world: World, command: str, options: dict[str, object], image: bytes | None = None
) -> Message:
    """The private answer to a command; ``image``: a file given to its image option."""
    attachments = {"image": ("day.png", image, "image/png")} if image is not None else None
    return await private_answer(world, await world.slash(command, options, attachments=attachments))


async def test_a_refused_imagine_gives_its_prompt_and_options_back_and_a_short_one_nothing(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore"]})
        options = {"prompt": f"{PROMPT}, gore", "negative": "blurry", "aspect_ratio": "16:9", "seed": 7}
        long = await refused(world, "imagine", options)
        short = await refused(world, "imagine", {"prompt": "gore", "negative": "blurry"})
        await assert_nothing_stored(world)

    typed = f"/imagine prompt: {PROMPT}, gore negative: blurry aspect_ratio: 16:9 seed: 7"
    assert long.content == given_back(BLOCKED, typed)
    assert long.attachments == []
    assert short.content == BLOCKED, "nothing long was typed: the refusal alone"


async def test_a_refused_imagine_speaks_the_members_command_language(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.alice.user.locale = "de"
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore"]})
        answer = await refused(world, "imagine", {"prompt": f"{PROMPT}, gore", "quality": "draft"})

    refusal = "Deine Anfrage enthält ein Wort, das dieser Server sperrt („gore“). Bitte formuliere sie um."
    typed = f"/bild prompt: {PROMPT}, gore qualität: Entwurf"  # the names her client shows
    assert answer.content == f"{refusal}\n\nWas du geschrieben hast:\n```\n{typed}\n```"


async def test_a_refused_edit_gives_its_instruction_back_with_the_picture_given_or_picked_in_its_form(
    database_url: str, tmp_path: Path
) -> None:
    instruction = "replace the red hat with a golden crown and make the sky a stormy purple"
    async with running_world(database_url, tmp_path) as world:
        attached = await refused(world, "edit", {"instruction": instruction, "seed": 3}, image=NOT_A_PICTURE)
        # No picture given: it is picked in a form, whose refusal gives back the command that opened it.
        command = await world.wait_acked(await world.slash("edit", {"instruction": instruction}))
        form = await world.emu.submit_modal(
            (command.modal or {})["custom_id"],
            {},
            world.alice,
            world.channel,
            files={"picture:file": [("day.png", NOT_A_PICTURE, "image/png")]},
        )
        picked = await private_answer(world, form)
        await assert_nothing_stored(world)

    assert "I couldn't read that file as a picture" in attached.content
    assert attached.content.endswith(f"What you wrote:\n```\n/edit instruction: {instruction} seed: 3\n```")
    assert "I couldn't read that file as a picture" in picked.content
    assert picked.content.endswith(f"What you wrote:\n```\n/edit instruction: {instruction}\n```")


async def test_a_refused_video_gives_its_prompt_back(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        answer = await refused(world, "video", {"prompt": PROMPT, "seconds": 12.0, "negative": "text"})
        await assert_nothing_stored(world)

    said, kept = answer.content.split("\n\n", 1)
    assert "seconds: videos are 1 to 10 seconds long, not 12" in said
    assert kept == f"What you wrote:\n```\n/video prompt: {PROMPT} seconds: 12.0 negative: text\n```"


async def test_a_song_refused_before_its_form_gives_its_options_back(
    database_url: str, tmp_path: Path
) -> None:
    options = {
        "title": "Neon Rain Over the Harbour",
        "genre": "synthwave, dreamy female vocals",
        "mood": "wistful",
        "tempo": 96,
        "language": "Klingon",
    }
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", options)
        answer = await private_answer(world, command)

    assert command.response_type == 4, "refused before the form opens"
    typed = (
        "/song title: Neon Rain Over the Harbour genre: synthwave, dreamy female vocals mood: wistful "
        "tempo: 96 language: Klingon"
    )
    assert "'Klingon' is not a language songs are sung in here" in answer.content
    assert answer.content.endswith(f"What you wrote:\n```\n{typed}\n```")


async def test_a_prompt_with_backticks_is_given_back_intact(database_url: str, tmp_path: Path) -> None:
    """Backticks stay as typed in the quoted command; a code fence, which would end Discord's code block
    wherever it stands, comes as a file instead, as a text too long for the message does."""
    quoted = f"a sign that reads `OPEN` in ``neon``, {PROMPT}, gore`"
    fenced = f"a terminal showing ```ls -la``` in green, {PROMPT}, gore"
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore"]})
        in_message = await refused(world, "imagine", {"prompt": quoted})
        in_file = await refused(world, "imagine", {"prompt": fenced})

    assert in_message.content == given_back(BLOCKED, f"/imagine prompt: {quoted}")
    assert in_file.content == f"{BLOCKED}\n\nWhat you wrote is attached as `imagine.txt`."
    [kept] = in_file.attachments
    assert (kept.filename, kept.data) == ("imagine.txt", f"/imagine prompt: {fenced}".encode())


async def test_a_prompt_too_long_to_quote_comes_back_as_a_file(database_url: str, tmp_path: Path) -> None:
    prompt = ", ".join([PROMPT] * 32)  # over the 2000 characters a prompt may have, and a message too
    async with running_world(database_url, tmp_path) as world:
        answer = await refused(world, "imagine", {"prompt": prompt, "seed": 7})

    said, kept_as = answer.content.split("\n\n")
    assert "too long" in said
    assert kept_as == "What you wrote is attached as `imagine.txt`."
    [kept] = answer.attachments
    assert (kept.filename, kept.data) == ("imagine.txt", f"/imagine prompt: {prompt} seed: 7".encode())
