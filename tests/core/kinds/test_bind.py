import copy
import json
from datetime import UTC, datetime

import pytest

from comfy.workflows.errors import WorkflowError
from comfy.workflows.template import WorkflowTemplate
from core.kinds.image import ImageParams
from core.kinds.song import SongParams
from tests.comfy.workflows.graphs import DATA, ace_step_15
from tests.core.kinds.workflows import bind, builtin_templates, make_template

NOW = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)


def _builtin(name: str) -> WorkflowTemplate:
    return next(template for template in builtin_templates() if template.name == name)


def _sdxl() -> WorkflowTemplate:
    return make_template("sdxl", (DATA / "sdxl_base_refiner_api.json").read_bytes(), source="test")


def test_txt2img_binding_puts_each_value_on_the_right_node() -> None:
    template = _builtin("txt2img")
    before = copy.deepcopy(dict(template.graph))
    params = ImageParams(
        prompt="a lighthouse at dusk",
        negative_prompt="blurry",
        aspect_ratio="16:9",
        quality="high",
        style_tags=["oil painting", "moody"],
        seed=7,
        count=3,
    )

    bound = bind(template, params, now=NOW)

    nodes = bound.graph
    assert nodes["6"]["inputs"]["text"] == "a lighthouse at dusk, oil painting, moody"
    assert nodes["7"]["inputs"]["text"] == "blurry"
    assert nodes["5"]["inputs"] == {"width": 704, "height": 384, "batch_size": 3}
    assert (nodes["3"]["inputs"]["seed"], nodes["3"]["inputs"]["steps"]) == (7, 30)
    assert nodes["9"]["inputs"]["filename_prefix"] == "image/txt2img"
    assert bound.output_node_ids == ("9",)
    assert dict(template.graph) == before, "binding must not touch the template"
    assert bound.metadata == {
        "kind": "image",
        "prompt": "a lighthouse at dusk",
        "negative_prompt": "blurry",
        "aspect_ratio": "16:9",
        "quality": "high",
        "style_tags": ["oil painting", "moody"],
        "count": 3,
        "width": 704,
        "height": 384,
        "steps": 30,
        "seed": 7,
        "workflow": "txt2img",
        "workflow_version": template.version,
        "generated_at": "2026-11-28T23:00:00+00:00",
    }


def test_without_a_negative_prompt_the_templates_own_is_kept_and_recorded() -> None:
    bound = bind(_builtin("txt2img"), ImageParams(prompt="a cat", quality="draft"))

    assert bound.graph["7"]["inputs"]["text"] == "text, watermark"
    assert bound.metadata["negative_prompt"] == "text, watermark"
    assert bound.graph["3"]["inputs"]["steps"] == 10


def test_sdxl_seed_goes_to_the_base_and_steps_stay_consistent_across_samplers() -> None:
    template = _sdxl()

    bound = bind(template, ImageParams(prompt="a fox", aspect_ratio="16:9", quality="draft", seed=99))

    base, refiner = bound.graph["10"]["inputs"], bound.graph["11"]["inputs"]
    assert base["noise_seed"] == 99
    assert refiner["noise_seed"] == 0, "the refiner adds no noise; its seed is left alone"
    assert base["steps"] == refiner["steps"] == 13
    assert base["end_at_step"] == refiner["start_at_step"] == 10  # 20 of 25, scaled to 13
    assert refiner["end_at_step"] == 10000  # still "to the end"
    assert bound.graph["5"]["inputs"]["width"] == 1344
    assert bound.graph["5"]["inputs"]["height"] == 768
    assert bound.graph["6"]["inputs"]["text"] == bound.graph["15"]["inputs"]["text"] == "a fox"
    assert bound.output_node_ids == ("19",)


def test_sdxl_high_quality_scales_both_samplers() -> None:
    bound = bind(_sdxl(), ImageParams(prompt="a fox", quality="high"))

    base, refiner = bound.graph["10"]["inputs"], bound.graph["11"]["inputs"]
    assert base["steps"] == refiner["steps"] == 38
    assert base["end_at_step"] == refiner["start_at_step"] == 30


def test_song_binding_writes_tags_lyrics_duration_and_takes() -> None:
    template = _builtin("song")
    params = SongParams(
        title="Night Drive",
        genre="synthwave",
        mood="melancholic",
        tempo=100,
        key="a minor",
        time_signature="3/4",
        lyrics="[Verse 1]\nneon on the wet road\n\n[CHORUS]\ndrive, drive",
        duration=45,
        seed=5,
        count=2,
    )

    bound = bind(template, params, now=NOW)

    encoder = bound.graph["14"]["inputs"]
    assert encoder["tags"] == "synthwave, melancholic, 100 bpm, A minor, 3/4 time"
    assert encoder["lyrics"] == "[verse]\nneon on the wet road\n\n[chorus]\ndrive, drive"
    assert encoder["lyrics_strength"] == 0.99
    assert bound.graph["17"]["inputs"] == {"seconds": 45.0, "batch_size": 2}
    assert bound.graph["52"]["inputs"]["seed"] == 5
    assert bound.graph["52"]["inputs"]["steps"] == 50
    assert bound.graph["59"]["inputs"]["filename_prefix"] == "song/song"
    assert bound.output_node_ids == ("59",)
    assert bound.metadata | {"workflow_version": "-"} == {
        "kind": "song",
        "title": "Night Drive",
        "genre": "synthwave",
        "mood": "melancholic",
        "tempo": 100,
        "key": "A minor",
        "time_signature": "3/4",
        "language": None,  # ACE-Step 1.0's encoder takes none (it reads each line's language itself)
        "duration": 45.0,
        "count": 2,
        "tags": "synthwave, melancholic, 100 bpm, A minor, 3/4 time",
        "seed": 5,
        "workflow": "song",
        "workflow_version": "-",
        "generated_at": "2026-11-28T23:00:00+00:00",
    }


def test_song_without_descriptors_keeps_template_tags_and_empty_lyrics_are_instrumental() -> None:
    template = _builtin("song")

    bound = bind(template, SongParams(), filename_prefix="songs/guild_1")

    assert bound.graph["14"]["inputs"]["tags"] == template.graph["14"]["inputs"]["tags"]
    assert bound.graph["14"]["inputs"]["lyrics"] == "[inst]"
    assert bound.graph["17"]["inputs"]["seconds"] == 120.0
    assert bound.graph["59"]["inputs"]["filename_prefix"] == "songs/guild_1"


def test_ace_step_15_encoder_takes_tempo_key_time_and_duration_as_inputs() -> None:
    template = make_template("ace15", json.dumps(ace_step_15()), source="test")
    params = SongParams(
        genre="funk", mood="happy", tempo=118, key="F#m", time_signature="6/8", duration=60, seed=11
    )

    bound = bind(template, params)

    encoder = bound.graph["94"]["inputs"]
    assert encoder["tags"] == "funk, happy"
    assert (encoder["bpm"], encoder["keyscale"], encoder["timesignature"]) == (118, "F# minor", "6")
    assert encoder["duration"] == 60.0
    assert encoder["seed"] == bound.graph["3"]["inputs"]["seed"] == 11
    assert bound.graph["98"]["inputs"]["seconds"] == 60.0


def test_ace_step_15_sings_in_the_language_the_lyrics_are_written_in() -> None:
    template = make_template("ace15", json.dumps(ace_step_15()), source="test")
    lyrics = "[verse]\n君の笑顔が見たくて\n今日も走り出す\n\n[chorus]\n夢の中で会いましょう"

    bound = bind(template, SongParams(lyrics=lyrics, seed=1))

    assert bound.graph["94"]["inputs"]["language"] == "ja"
    assert bound.metadata["language"] == "ja"


def test_a_language_asked_for_wins_over_the_one_read_from_the_lyrics() -> None:
    template = make_template("ace15", json.dumps(ace_step_15()), source="test")
    lyrics = "[verse]\nYo no sé por qué te quiero\nEres mi corazón y mi cielo"

    bound = bind(template, SongParams(lyrics=lyrics, language="Portuguese", seed=1))

    assert bound.graph["94"]["inputs"]["language"] == bound.metadata["language"] == "pt"


def test_lyrics_in_no_plain_language_leave_the_workflows_own_language() -> None:
    graph = ace_step_15()
    graph["94"]["inputs"]["language"] = "de"  # the workflow's author sings in German
    template = make_template("ace15-de", json.dumps(graph), source="test")

    bound = bind(template, SongParams(lyrics="[verse]\nla la la\noh oh", seed=1))

    assert bound.graph["94"]["inputs"]["language"] == "de"
    assert bound.metadata["language"] is None


def test_a_language_wired_from_another_node_is_left_to_it() -> None:
    graph = ace_step_15()
    graph["95"] = {"class_type": "PrimitiveString", "inputs": {"value": "ko"}}
    graph["94"]["inputs"]["language"] = ["95", 0]
    template = make_template("ace15-wired", json.dumps(graph), source="test")

    bound = bind(template, SongParams(lyrics="[verse]\n君の笑顔が見たくて", language="ja", seed=1))

    assert bound.graph["94"]["inputs"]["language"] == ["95", 0]
    assert bound.metadata["language"] is None


def test_an_encoder_without_a_language_input_is_given_none() -> None:
    bound = bind(_builtin("song"), SongParams(lyrics="[verse]\n君の笑顔が見たくて", language="ja", seed=1))

    assert "language" not in bound.graph["14"]["inputs"]  # ACE-Step 1.0 reads each line's language itself
    assert bound.metadata["language"] is None


def test_image_params_on_a_song_workflow_are_refused() -> None:
    with pytest.raises(WorkflowError, match="is a song workflow and cannot take image parameters"):
        bind(_builtin("song"), ImageParams(prompt="a cat"))


def test_path_escaping_filename_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="filename prefix"):
        bind(_builtin("txt2img"), ImageParams(prompt="a cat"), filename_prefix="../../etc")


def test_zeroed_negative_takes_no_negative_prompt_and_says_so() -> None:
    graph = json.loads((DATA / "txt2img_sd15_api.json").read_text(encoding="utf-8"))
    graph["40"] = {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["6", 0]}}
    graph["3"]["inputs"]["negative"] = ["40", 0]
    del graph["7"]
    template = make_template("flux-like", json.dumps(graph), source="test")

    bound = bind(template, ImageParams(prompt="a cat", negative_prompt="blur"))

    assert template.binding.negative_nodes == ()
    assert bound.metadata["negative_prompt"] == ""
    assert "blur" not in json.dumps(bound.graph)


def test_latent_without_batch_size_records_one_image() -> None:
    graph = json.loads((DATA / "txt2img_sd15_api.json").read_text(encoding="utf-8"))
    del graph["5"]["inputs"]["batch_size"]
    template = make_template("single", json.dumps(graph), source="test")

    bound = bind(template, ImageParams(prompt="a cat", count=4))

    assert bound.metadata["count"] == 1
    assert "batch_size" not in bound.graph["5"]["inputs"]


def test_hires_fix_chain_seeds_both_samplers_and_sdxl_encoders_get_both_texts() -> None:
    graph = json.loads((DATA / "txt2img_sd15_api.json").read_text(encoding="utf-8"))
    graph["6"] = {
        "class_type": "CLIPTextEncodeSDXL",
        "inputs": {"clip": ["4", 1], "text_g": "", "text_l": "", "width": 4096, "height": 4096},
    }
    graph["20"] = {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["3", 0], "scale_by": 1.5}}
    graph["21"] = copy.deepcopy(graph["3"])
    graph["21"]["inputs"] |= {"latent_image": ["20", 0], "denoise": 0.5, "steps": 10}
    graph["8"]["inputs"]["samples"] = ["21", 0]
    template = make_template("hires", json.dumps(graph), source="test")

    bound = bind(template, ImageParams(prompt="a fox", quality="high", seed=4))

    assert template.binding.sampler_nodes == ("3", "21")
    assert (bound.graph["3"]["inputs"]["seed"], bound.graph["21"]["inputs"]["seed"]) == (4, 4)
    assert (bound.graph["3"]["inputs"]["steps"], bound.graph["21"]["inputs"]["steps"]) == (30, 15)
    assert bound.graph["6"]["inputs"]["text_g"] == bound.graph["6"]["inputs"]["text_l"] == "a fox"
    assert bound.graph["6"]["inputs"]["width"] == 4096, "encoder sizes are not the latent's"
