"""Jobs that chose a model or LoRAs: refused before queueing when no backend offers them or the guild does
not allow them, and routed only to a backend that offers every file they load."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.locales import Catalogue, Words
from bot.ui.moderation_log_render import rule_label
from core.errors import NotAllowed, UserFacingError
from core.jobs.updates import JobCompleted
from core.kinds.image import ImageParams
from core.kinds.model_choice import LoraChoice
from tests.core.jobs.harness import eventually, image_request, running_core
from tests.fakes.comfyui import FakeConfig
from tests.fakes.comfyui.config import CHECKPOINTS_KEY, default_models
from tests.fixtures.comfyui import FakeComfyFactory

LORAS_KEY = "LoraLoader.lora_name"


def _config(*, checkpoints: list[str] = (), loras: list[str] = ()) -> FakeConfig:  # type: ignore[assignment]
    models = default_models()
    models[CHECKPOINTS_KEY] = [*models[CHECKPOINTS_KEY], *checkpoints]
    return FakeConfig(models=models | {LORAS_KEY: list(loras)})


async def test_a_lora_job_runs_only_on_the_backend_offering_the_lora(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    with_lora = await fake_comfy_factory(_config(loras=["ink.safetensors"]))
    without = await fake_comfy_factory(_config())
    async with running_core(database_url, [without.url, with_lora.url], tmp_path) as (runtime, observer):
        lora = [LoraChoice(name="ink.safetensors", weight=0.7)]
        receipts = [await runtime.service.submit(image_request(user_id=u, loras=lora)) for u in (1, 2, 3)]
        for receipt in receipts:
            assert isinstance(await observer.final(receipt.job.id, within_s=20), JobCompleted)
            job = await runtime.store.get(receipt.job.id)
            assert job is not None
            assert job.backend_url == with_lora.url
            assert ("LoraLoader", "lora_name", "ink.safetensors") in job.model_needs
            assert job.posted_graph is not None
            loader = next(n for n in job.posted_graph.values() if n["class_type"] == "LoraLoader")
            assert loader["inputs"]["strength_model"] == 0.7


async def test_a_model_job_goes_to_the_backend_with_that_checkpoint(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    plain = await fake_comfy_factory(_config())
    rich = await fake_comfy_factory(_config(checkpoints=["juggernaut.safetensors"]))
    async with running_core(database_url, [plain.url, rich.url], tmp_path) as (runtime, observer):
        receipt = await runtime.service.submit(image_request(model="juggernaut.safetensors"))
        assert isinstance(await observer.final(receipt.job.id, within_s=20), JobCompleted)
        job = await runtime.store.get(receipt.job.id)
        assert job is not None
        assert job.backend_url == rich.url
        models = runtime.service.models
        template = runtime.catalogue.default("image")
        assert "juggernaut.safetensors" in models.models(template)
        assert models.loras(template) == []


async def test_names_no_backend_offers_are_refused_before_anything_is_queued(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(_config(loras=["ink.safetensors"]))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, _):
        refusal = re.escape("No ComfyUI server here has the LoRA “nope.safetensors”")
        with pytest.raises(UserFacingError, match=refusal) as lora:
            await runtime.service.submit(image_request(loras=[LoraChoice(name="nope.safetensors")]))
        assert "Available: ink.safetensors." in lora.value.user_message
        with pytest.raises(UserFacingError, match=re.escape("has the model “missing.safetensors”")):
            await runtime.service.submit(image_request(model="missing.safetensors"))
        assert runtime.dispatcher.queued_count() == 0
        assert (await runtime.queries.history(1)).jobs == ()


async def test_a_model_and_a_lora_on_different_backends_are_refused_together(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    models_here = await fake_comfy_factory(_config(checkpoints=["juggernaut.safetensors"]))
    loras_there = await fake_comfy_factory(_config(loras=["ink.safetensors"]))
    urls = [models_here.url, loras_there.url]
    async with running_core(database_url, urls, tmp_path) as (runtime, _):
        request = image_request(model="juggernaut.safetensors", loras=[LoraChoice(name="ink.safetensors")])
        # Known before Discord is answered (admission), so the refusal is private from the first byte.
        with pytest.raises(UserFacingError, match="No single ComfyUI server here has all of"):
            await runtime.service.precheck(request)
        with pytest.raises(UserFacingError, match="No single ComfyUI server here has all of"):
            await runtime.service.submit(request)
        assert runtime.dispatcher.queued_count() == 0


async def test_the_guild_allow_lists_narrow_the_choices_and_refuse_other_names(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(_config(loras=["ink.safetensors", "grain.safetensors"]))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        policy = await runtime.guild_policies.update(
            1, {"allowed_loras": ["grain.safetensors"], "allowed_models": ["random_sd15.safetensors"]}
        )
        template = runtime.catalogue.default("image")
        assert runtime.service.models.loras(template, policy) == ["grain.safetensors"]
        assert runtime.service.models.models(template, policy) == ["random_sd15.safetensors"]
        refusal = re.escape("doesn't allow the LoRA “ink.safetensors”. Allowed: grain")
        with pytest.raises(NotAllowed, match=refusal) as lora:
            await runtime.service.precheck(image_request(loras=[LoraChoice(name="ink.safetensors")]))
        with pytest.raises(NotAllowed, match="doesn't allow the model"):
            await runtime.service.submit(image_request(model="sd_xl_base_1.0.safetensors"))
        receipt = await runtime.service.submit(image_request(loras=[LoraChoice(name="grain.safetensors")]))
        assert isinstance(await observer.final(receipt.job.id, within_s=20), JobCompleted)
    german = Words(Catalogue.shipped(), "de")
    assert lora.value.text is not None
    assert german.say(lora.value.text) == (
        "Dieser Server erlaubt die LoRA „ink.safetensors“ nicht. Erlaubt: grain.safetensors."
    )
    assert lora.value.rule is not None
    assert rule_label(lora.value.rule, german) == rule_label("not_allowed_lora:ink.safetensors", german)
    assert rule_label(lora.value.rule, german) != lora.value.rule  # a label of the log's, not the raw rule


async def test_loras_added_while_a_backend_was_away_are_offered_once_it_is_back(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(_config(loras=["ink.safetensors"]))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        template = runtime.catalogue.default("image")
        assert runtime.service.models.loras(template) == ["ink.safetensors"]
        await fake.kill()
        fake.config.models["LoraLoader.lora_name"] = ["ink.safetensors", "new.safetensors"]
        await fake.restart()
        await eventually(lambda: "new.safetensors" in runtime.service.models.loras(template), within_s=15)
        receipt = await runtime.service.submit(image_request(loras=[LoraChoice(name="new.safetensors")]))
        assert isinstance(await observer.final(receipt.job.id, within_s=20), JobCompleted)


async def test_a_workflow_without_a_model_loader_says_so_before_anything_is_queued(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(_config(loras=["ink.safetensors"]))
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, _):
        policy = await runtime.guild_policies.get(1)
        template = runtime.catalogue.default("image")
        mystery = replace(template, binding=template.binding.model_copy(update={"model_nodes": ()}))
        with pytest.raises(UserFacingError, match="has no model loader I can choose a model for"):
            runtime.service.models.check(mystery, image_request(model="x.safetensors").params, policy)
        assert runtime.service.models.models(mystery) == []


async def test_only_backends_able_to_run_the_workflow_offer_its_models_and_loras(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    able = await fake_comfy_factory(_config(loras=["ink.safetensors"]))
    # Rich in files, but without the node class txt2img starts from: it cannot run the workflow at all.
    unable = _config(checkpoints=["elsewhere.safetensors"], loras=["far.safetensors"])
    unable.missing_node_classes = {"EmptyLatentImage"}
    lacking = await fake_comfy_factory(unable)
    async with running_core(database_url, [able.url, lacking.url], tmp_path) as (runtime, _):
        models = runtime.service.models
        template = runtime.catalogue.default("image")
        offered_models, offered_loras = models.models(template), models.loras(template)
        with pytest.raises(UserFacingError, match=re.escape("has the LoRA “far.safetensors”")):
            await runtime.service.submit(image_request(loras=[LoraChoice(name="far.safetensors")]))
        with pytest.raises(UserFacingError, match=re.escape("has the model “elsewhere.safetensors”")):
            await runtime.service.submit(image_request(model="elsewhere.safetensors"))
        assert runtime.dispatcher.queued_count() == 0
    assert offered_loras == ["ink.safetensors"]
    assert "elsewhere.safetensors" not in offered_models
    assert offered_models  # the able backend's checkpoints are offered


async def test_names_typed_without_extension_folder_or_case_run_with_the_file_the_backend_offers(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    plain = await fake_comfy_factory(_config())
    rich = await fake_comfy_factory(
        _config(checkpoints=["SDXL/Juggernaut_XL.safetensors"], loras=["styles/ink.safetensors"])
    )
    async with running_core(database_url, [plain.url, rich.url], tmp_path) as (runtime, observer):
        request = image_request(model="juggernaut_xl", loras=[LoraChoice(name="Ink", weight=0.7)])
        await runtime.service.precheck(request)
        receipt = await runtime.service.submit(request)
        assert isinstance(await observer.final(receipt.job.id, within_s=20), JobCompleted)
        job = await runtime.store.get(receipt.job.id)
    assert job is not None
    assert job.backend_url == rich.url
    assert isinstance(job.params, ImageParams)
    assert (job.params.model, job.params.loras) == (
        "SDXL/Juggernaut_XL.safetensors",
        [LoraChoice(name="styles/ink.safetensors", weight=0.7)],
    )
    assert job.posted_graph is not None
    loader = next(n for n in job.posted_graph.values() if n["class_type"] == "LoraLoader")
    assert loader["inputs"]["lora_name"] == "styles/ink.safetensors"
    assert ("LoraLoader", "lora_name", "styles/ink.safetensors") in job.model_needs


async def test_a_name_several_offered_files_answer_to_is_refused_naming_them(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    one = await fake_comfy_factory(_config(loras=["ink.safetensors"]))
    other = await fake_comfy_factory(_config(loras=["sdxl/ink.safetensors", "grain.safetensors"]))
    async with running_core(database_url, [one.url, other.url], tmp_path) as (runtime, _):
        ambiguous = image_request(loras=[LoraChoice(name="ink")])
        with pytest.raises(UserFacingError) as before_answering:
            await runtime.service.precheck(ambiguous)
        with pytest.raises(UserFacingError) as at_submit:
            await runtime.service.submit(ambiguous)
        twice = image_request(loras=[LoraChoice(name="grain"), LoraChoice(name="GRAIN.safetensors")])
        with pytest.raises(UserFacingError) as given_twice:
            await runtime.service.submit(twice)
        assert runtime.dispatcher.queued_count() == 0
    expected = (
        "“ink” could be any of these LoRAs: ink.safetensors, sdxl/ink.safetensors. "
        "Give the one you mean in full."
    )
    assert before_answering.value.user_message == at_submit.value.user_message == expected
    assert given_twice.value.user_message == (
        "“grain” and “GRAIN.safetensors” are both the LoRA “grain.safetensors”; give it once."
    )


async def test_a_short_name_means_the_file_the_guild_allows_and_one_it_does_not_is_named_in_full(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(
        _config(loras=["ink.safetensors", "sdxl/ink.safetensors", "grain.safetensors"])
    )
    async with running_core(database_url, [fake.url], tmp_path) as (runtime, observer):
        await runtime.guild_policies.update(1, {"allowed_loras": ["sdxl/ink.safetensors"]})
        receipt = await runtime.service.submit(image_request(loras=[LoraChoice(name="ink")]))
        assert isinstance(await observer.final(receipt.job.id, within_s=20), JobCompleted)
        with pytest.raises(NotAllowed) as refused:
            await runtime.service.submit(image_request(loras=[LoraChoice(name="grain")]))
    assert isinstance(receipt.job.params, ImageParams)
    assert receipt.job.params.loras == [LoraChoice(name="sdxl/ink.safetensors")]
    assert refused.value.user_message == (
        "This server doesn't allow the LoRA “grain.safetensors”. Allowed: sdxl/ink.safetensors."
    )


async def test_a_short_name_before_any_backend_answered_is_refused_and_a_full_one_waits_for_it(
    database_url: str, fake_comfy_factory: FakeComfyFactory, tmp_path: Path
) -> None:
    fake = await fake_comfy_factory(_config(loras=["sdxl/ink.safetensors"]))
    await fake.kill()
    async with running_core(database_url, [fake.url], tmp_path, capability_refresh_s=3600.0) as (
        runtime,
        observer,
    ):
        with pytest.raises(UserFacingError) as short:
            await runtime.service.submit(image_request(loras=[LoraChoice(name="ink")]))
        full = await runtime.service.submit(image_request(loras=[LoraChoice(name="sdxl/ink.safetensors")]))
        await fake.restart()
        assert isinstance(await observer.final(full.job.id, within_s=20), JobCompleted)
    assert short.value.user_message == (
        "No ComfyUI server has answered yet, so I can't tell which LoRA “ink” is. Try again in a moment, "
        "or give its file name as ComfyUI lists it (like sdxl/ink.safetensors)."
    )
