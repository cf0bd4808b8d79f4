"""What /history, /queue and /settings show, from the core's snapshots: pure rendering, no Discord."""

from __future__ import annotations

from dataclasses import replace

from bot.locales import Catalogue, Words, english
from bot.ui.history_queue import place_in_queue, queue_embed
from bot.ui.history_render import (
    HistoryFilters,
    history_text,
    job_embed,
    job_option_description,
    job_option_label,
    parameter_lines,
    shorten,
)
from bot.ui.job_messages import describe_request
from bot.ui.settings_embed import settings_embed
from core.jobs.browsing import QueueOverview
from core.jobs.policy import PolicyView
from core.jobs.snapshots import HistoryPage, SafetyAction
from core.jobs.stages import JobPlace, JobStage, place_of
from core.kinds import SONG, UPSCALE
from core.queue.limits import GuildLimits
from db.enums import JobStatus, RegeneratePermission
from tests.bot.history_factories import QUEUED_AT, a_job, an_artifact

ENGLISH = english()


def test_a_history_page_lists_each_job_with_status_kind_owner_and_prompt() -> None:
    page = HistoryPage((a_job(9), a_job(8, status=JobStatus.FAILED, kind=SONG, raw_input="la la")), 8)
    listing, footer = history_text(ENGLISH, page, page_number=2, filters=HistoryFilters())
    lines = listing.splitlines()[1:]
    assert lines[0].startswith("✅ **#9** 🖼️")
    assert "<@3>" in lines[0]
    assert lines[0].endswith("— a red fox")
    assert lines[1].startswith("❌ **#8** 🎵")
    assert lines[1].endswith("la la")
    assert footer.startswith("Page 2 · older jobs on the next page")


def test_the_last_page_does_not_promise_more() -> None:
    _, footer = history_text(ENGLISH, HistoryPage((a_job(),), None), page_number=1, filters=HistoryFilters())
    assert "next page" not in footer


def test_an_empty_filtered_history_says_what_was_searched() -> None:
    filters = HistoryFilters(user_id=5, kind=SONG, search="fox")
    listing, _ = history_text(ENGLISH, HistoryPage((), None), page_number=1, filters=filters)
    assert listing == "## History\nNo jobs songs · by <@5> · matching “fox” yet."


def test_a_history_filtered_by_status_says_which_in_the_readers_language() -> None:
    filters = HistoryFilters(kind=SONG, status=JobStatus.FAILED)
    german = Words(Catalogue.shipped(), "de")
    listing, _ = history_text(ENGLISH, HistoryPage((), None), page_number=1, filters=filters)
    in_german, _ = history_text(german, HistoryPage((), None), page_number=1, filters=filters)
    assert listing == "## History\nNo jobs failed · songs yet."
    assert in_german.endswith("Noch keine Aufträge: fehlgeschlagen · Lieder.")


def test_long_prompts_are_cut_on_one_line() -> None:
    assert shorten("a\nvery   long\tprompt", 100) == "a very long prompt"
    assert shorten("x" * 200, 10) == "x" * 9 + "…"
    job = a_job(params={"prompt": "word " * 100})
    assert len(job_option_description(ENGLISH, job)) <= 100
    assert job_option_label(ENGLISH, job) == "#7 image · succeeded"


def test_an_opened_job_shows_parameters_seed_workflow_duration_and_artifact_links() -> None:
    artifacts = (
        an_artifact(1, attachment_url="https://cdn.example/out_1.png"),
        an_artifact(2, size_bytes=3 * 1_048_576),
    )
    embed = job_embed(ENGLISH, a_job(parent_id=4), artifacts)
    fields = {field.name: field.value for field in embed.fields}
    assert embed.title == "🖼️ Job #7"
    assert embed.description == "a red fox"
    assert embed.url == "https://discord.com/channels/1/2/99"
    assert fields["Status"] == "✅ succeeded"
    assert "**Workflow**: txt2img" in (fields["Parameters"] or "")
    assert "**Seed**: 42" in (fields["Parameters"] or "")
    assert "**Style tags**: anime, ink" in (fields["Parameters"] or "")
    assert "**Aspect ratio**: 16:9" in (fields["Parameters"] or "")
    assert fields["Took"] == "4.5 s"
    assert fields["Rerun of"] == "#4"
    assert fields["Artifacts"] == (
        "[out_1.png](https://cdn.example/out_1.png) — 512×288, 0.0 MiB\n"
        "out_2.png (not uploaded) — 512×288, 3.0 MiB"
    )


def test_a_failed_song_shows_its_lyrics_and_what_went_wrong() -> None:
    job = a_job(
        kind=SONG,
        status=JobStatus.FAILED,
        params={"lyrics": "[verse]\nla la", "title": "Fox song", "genre": "pop"},
        error_message="The ComfyUI server ran out of memory.",
        started_at=None,
    )
    fields = {field.name: field.value for field in job_embed(ENGLISH, job, ()).fields}
    assert fields["Lyrics"] == "> [verse]\n> la la"
    assert fields["What went wrong"] == "The ComfyUI server ran out of memory."
    assert "**Title**: Fox song" in (fields["Parameters"] or "")
    assert "Took" not in fields
    assert "Artifacts" not in fields


def test_the_queue_shows_counts_and_my_jobs_with_their_places() -> None:
    overview = QueueOverview(
        queued_everywhere=5,
        running_everywhere=2,
        guild_queued=3,
        guild_running=1,
        mine=(
            (a_job(4, status=JobStatus.RUNNING), JobPlace(JobStage.RUNNING)),
            (a_job(6, status=JobStatus.QUEUED), JobPlace(JobStage.QUEUED, 2)),
        ),
    )
    fields = {field.name: field.value for field in queue_embed(ENGLISH, overview).fields}
    assert fields["This server"] == "1 running · 3 waiting"
    assert fields["Everywhere"] == "2 running · 5 waiting"
    assert (fields["Your jobs"] or "").splitlines() == [
        "**#4** 🖼️ running now — a red fox",
        "**#6** 🖼️ #3 in the queue — a red fox",
    ]
    assert place_in_queue(ENGLISH, JobPlace(JobStage.QUEUED, 0)) == "next to start"


def test_a_long_queue_of_mine_lists_whole_lines_within_the_fields_limit_and_counts_the_rest() -> None:
    prompt = "a lighthouse on a cliff at dusk, waves crashing below, long exposure, golden light"
    mine = tuple(
        (a_job(100 + i, status=JobStatus.QUEUED, params={"prompt": prompt}), JobPlace(JobStage.QUEUED, i))
        for i in range(40)
    )
    overview = QueueOverview(40, 0, 40, 0, mine)
    shown = {field.name: field.value for field in queue_embed(ENGLISH, overview).fields}["Your jobs"] or ""
    *lines, rest = shown.splitlines()
    assert len(shown) <= 1024, "Discord refuses an embed field over 1024 characters"
    assert all(line.startswith("**#1") and line.endswith("…") for line in lines), "no line cut short"
    assert rest == f"…and {40 - len(lines)} more"


def test_a_job_its_server_holds_in_its_own_queue_is_queued_in_every_view() -> None:
    """Its message says "Queued" until the server begins it; /queue must not say "running now"."""
    sent = place_of(JobStatus.RUNNING, None, started=False)
    assert sent == JobPlace(JobStage.SENT)
    assert place_in_queue(ENGLISH, sent) == "queued on the server, starts next"
    assert place_in_queue(ENGLISH, place_of(JobStatus.RUNNING, None, started=True)) == "running now"
    assert place_of(JobStatus.RUNNING, None, started=None).stage is JobStage.RUNNING  # another worker's
    assert place_of(JobStatus.QUEUED, 3, started=None) == JobPlace(JobStage.QUEUED, 3)


def test_settings_show_every_rule_of_the_server() -> None:
    policy = PolicyView(
        guild_id=1,
        allowed_channel_ids=frozenset({11, 12}),
        allowed_role_ids=frozenset(),
        limits=GuildLimits(
            max_running_per_user=2, max_queued_per_user=5, rate_capacity=10, rate_per_minute=2.5
        ),
        default_image_workflow="sdxl",
        default_song_workflow=None,
        blocked_words=("gore", "spam"),
        nsfw_channels_only=True,
        regenerate_permission=RegeneratePermission.REQUESTER,
    )
    fields = {field.name: field.value for field in settings_embed(ENGLISH, policy).fields}
    assert fields["Channels"] == "<#11> <#12>"
    assert fields["Roles"] == "everyone"
    assert fields["Per member"] == "2 running, 5 waiting"
    assert fields["Rate limit"] == "bursts of 10, then 2.5 per minute"
    assert fields["Default workflows"] == "image: sdxl\nsong: built-in"
    assert fields["Age-restricted channels only"] == "yes"
    assert fields["Who may regenerate"] == "only the person who asked (and moderators)"
    assert fields["Blocked words"] == "`gore`, `spam`"


def test_a_jobs_model_and_loras_are_shown_as_members_type_them() -> None:
    lines = parameter_lines(
        ENGLISH,
        {
            "prompt": "a fox",
            "model": "sd.safetensors",
            "loras": [{"name": "ink", "weight": 0.6}, {"name": "g"}],
        },
        shown_apart="prompt",
    )
    assert lines == ["**Loras**: ink:0.6, g", "**Model**: sd.safetensors"]


def test_the_settings_show_the_model_and_lora_allow_lists() -> None:
    open_policy = PolicyView.defaults(1)
    narrowed = replace(open_policy, allowed_loras=("ink.safetensors",))
    fields = {field.name: field.value for field in settings_embed(ENGLISH, open_policy).fields}
    narrowed_fields = {field.name: field.value for field in settings_embed(ENGLISH, narrowed).fields}
    assert (fields["Models"], fields["LoRAs"]) == ("any a server offers", "any a server offers")
    assert narrowed_fields["LoRAs"] == "`ink.safetensors`"


def test_an_upscale_with_a_model_reads_in_the_members_language_wherever_it_is_summed_up() -> None:
    upscale = a_job(5, kind=UPSCALE, params={"factor": 4, "model": "4x-UltraSharp.pth"})
    german = Words(Catalogue.shipped(), "de")
    listing, _ = history_text(german, HistoryPage((upscale,), None), page_number=1, filters=HistoryFilters())
    assert listing.splitlines()[1].endswith("— ×4 mit 4x-UltraSharp.pth")
    assert describe_request(german, upscale) == "×4 mit 4x-UltraSharp.pth"
    assert job_option_description(ENGLISH, upscale) == "×4 with 4x-UltraSharp.pth"
    plain = a_job(6, kind=UPSCALE, params={"factor": 2})
    assert describe_request(german, plain) == "×2"  # a factor alone says nothing in a language


def test_an_opened_job_links_its_message_only_where_anyone_may_open_it() -> None:
    assert job_embed(ENGLISH, a_job(channel_message_id=120), ()).url == "https://discord.com/channels/1/2/120"
    # An ephemeral reply cannot be jumped to, a DM's "guild" is the member's own id (negative), a deleted
    # result's message went with it, and a withheld one is for managers only.
    for hidden in (
        a_job(private=True),
        a_job(guild_id=-3),
        a_job(deleted_at=QUEUED_AT),
        a_job(safety_action=SafetyAction.WITHHELD),
    ):
        assert job_embed(ENGLISH, hidden, ()).url is None


def test_history_shows_a_pans_direction_in_the_readers_words() -> None:
    german = Words(Catalogue.shipped(), "de")
    params = {"prompt": "a fox", "aspect_ratio": "3:2", "pan": "left", "quality": "high"}

    lines = parameter_lines(german, params, shown_apart="prompt")

    assert "**Erweitern**: nach links" in lines
    assert "**Qualität**: high" in lines
