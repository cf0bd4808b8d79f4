"""/song's form takes a lyrics file too (a File Upload beside the paragraph, as phones can pick files), and
each form answers the command that opened it."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import form_id, running_world

LYRICS = "[verse]\nPaper moons over the harbour\n[chorus]\nHold on, hold on"
LYRICS_FILE = "song:lyrics_file"


async def test_a_lyrics_file_given_in_the_form_makes_the_song(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {"genre": "folk"})
        await world.wait_acked(command)
        assert command.modal is not None
        labels = [c for c in command.modal["components"] if c["type"] == 18]
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": "", "song:title": "Harbour", "song:genre": "folk", "song:mood": ""},
            world.alice,
            world.channel,
            files={LYRICS_FILE: [("harbour.txt", LYRICS.encode(), "text/plain")]},
        )
        message = await world.wait_for_final(answer)
        job = await world.job_for(message)

    assert [label["component"]["type"] for label in labels] == [19]
    assert labels[0]["component"]["custom_id"] == LYRICS_FILE
    assert job.params.lyrics.split() == LYRICS.split()
    assert job.params.title == "Harbour"
    assert len(message.attachments) == 2


async def test_typed_lyrics_and_a_file_together_are_refused_keeping_what_was_typed(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.wait_acked(await world.slash("song", {}))
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": LYRICS, "song:title": "", "song:genre": "", "song:mood": ""},
            world.alice,
            world.channel,
            files={LYRICS_FILE: [("other.txt", b"[verse]\nsomething else", "text/plain")]},
        )
        await world.wait_acked(answer)
        refusal = world.emu.original_response(answer)

    assert refusal.ephemeral
    assert "typed or as a file, not both" in refusal.content
    assert [a.data.decode() for a in refusal.attachments] == [LYRICS]
    assert world.job_messages() == []


async def test_two_members_forms_open_at_once_each_answer_their_own_command(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        alices = await world.wait_acked(await world.slash("song", {"tempo": 120}))
        bobs = await world.wait_acked(await world.slash("song", {"tempo": 90}, member=world.bob))
        fields = {"song:lyrics": LYRICS, "song:title": "", "song:genre": "folk", "song:mood": ""}
        alice_answer = await world.emu.submit_modal(form_id(alices), fields, world.alice, world.channel)
        bob_answer = await world.emu.submit_modal(form_id(bobs), fields, world.bob, world.channel)
        alice_job = await world.job_for(await world.wait_for_final(alice_answer))
        bob_job = await world.job_for(await world.wait_for_final(bob_answer))

    assert (alice_job.user_id, alice_job.params.tempo) == (world.alice.id, 120)
    assert (bob_job.user_id, bob_job.params.tempo) == (world.bob.id, 90)
