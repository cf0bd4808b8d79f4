from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import NotAllowed, UserFacingError
from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.jobs.stages import JobStage
from core.jobs.updates import JobStarted
from core.kinds import SONG
from db.enums import JobStatus
from tests.core.jobs.harness import eventually, image_request, running_core, song_request
from tests.fakes.comfyui import FakeComfyUI


async def test_history_is_per_guild_newest_first_and_paginated(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        mine = [
            await runtime.service.submit(image_request(guild_id=1, user_id=5, prompt=f"cat {i}"))
            for i in range(3)
        ]
        await runtime.service.submit(song_request(guild_id=1, user_id=6))
        await runtime.service.submit(image_request(guild_id=2, user_id=5, prompt="another guild"))
        first = await runtime.browser.history(1, user_id=5, limit=2)
        assert [j.id for j in first.jobs] == [mine[2].job.id, mine[1].job.id]
        second = await runtime.browser.history(1, user_id=5, limit=2, before_id=first.next_before_id)
        assert [j.id for j in second.jobs] == [mine[0].job.id]
        assert second.next_before_id is None
        songs = await runtime.browser.history(1, kind=SONG)
        assert [j.user_id for j in songs.jobs] == [6]
        found = await runtime.browser.history(1, search="cat 1")
        assert [j.id for j in found.jobs] == [mine[1].job.id]
        assert all(j.guild_id == 2 for j in (await runtime.browser.history(2)).jobs)


async def test_a_message_maps_to_its_job_only_inside_its_guild(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        receipt = await runtime.service.submit(image_request(guild_id=1))
        await runtime.service.record_messages(receipt.job.id, response_message_id=555)
        found = await runtime.browser.job_for_message(555, guild_id=1)
        assert found is not None
        assert found.id == receipt.job.id
        assert await runtime.browser.job_for_message(555, guild_id=2) is None


async def test_queue_overview_shows_my_jobs_with_positions(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        await runtime.service.submit(image_request(user_id=1))
        await runtime.service.submit(image_request(user_id=2))
        await runtime.service.submit(image_request(user_id=2))
        overview = await runtime.browser.queue_overview(1, 2)
        assert overview.guild_queued == 3
        assert [place.position for _, place in overview.mine] == [1, 2]


async def test_settings_changes_apply_at_once_and_bad_values_are_refused(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        await runtime.service.submit(image_request(guild_id=1))  # caches the default policy
        await runtime.guild_policies.update(1, {"blocked_words": ["forbidden"]})
        with pytest.raises(NotAllowed) as refused:
            await runtime.service.submit(image_request(guild_id=1, prompt="a forbidden cat"))
        assert "forbidden" in refused.value.user_message
        with pytest.raises(UserFacingError) as invalid:
            await runtime.guild_policies.update(1, {"max_queued_per_user": -3})
        assert "max_queued_per_user" in invalid.value.user_message
        policy = await runtime.guild_policies.get(1)
        assert policy.limits.max_queued_per_user == 10


async def test_policy_refuses_wrong_channel_roles_and_non_nsfw(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    async with running_core(database_url, [fake_comfy.url], tmp_path, global_max_running=0) as (runtime, _):
        await runtime.guild_policies.update(1, {"allowed_channel_ids": [999], "nsfw_channels_only": True})
        request = image_request(guild_id=1)
        with pytest.raises(NotAllowed, match="this channel"):
            await runtime.service.submit(request)
        allowed_channel = Requester(user_id=10, channel_id=999, channel_is_nsfw=False)
        with pytest.raises(NotAllowed, match="age-restricted"):
            await runtime.service.submit(JobRequest(1, allowed_channel, "x", request.params))


async def test_a_job_its_server_still_holds_in_its_queue_is_not_running_in_the_overview(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    fake_comfy.config.step_time_s = 0.5  # the first job is still running while we look (cancelled after)
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, observer):
        first = (await runtime.service.submit(image_request(user_id=2))).job.id
        second = (await runtime.service.submit(image_request(user_id=2))).job.id
        await observer.wait_until(lambda: any(isinstance(u, JobStarted) for u in observer.updates[first]))
        await eventually(lambda: len(fake_comfy.pending_prompt_ids) == 1)  # the second, sent ahead

        overview = await runtime.browser.queue_overview(1, 2)

        stages = {job.id: (job.status, place.stage) for job, place in overview.mine}
        assert stages == {
            first: (JobStatus.RUNNING, JobStage.RUNNING),
            second: (JobStatus.RUNNING, JobStage.SENT),  # its message says "Queued": so does /queue
        }
        assert (overview.guild_running, overview.guild_queued) == (1, 1)
        assert (overview.running_everywhere, overview.queued_everywhere) == (1, 1)
        assert not any(isinstance(u, JobStarted) for u in observer.updates[second])
        for job_id in (first, second):
            await runtime.service.cancel(job_id, guild_id=1, requester=Requester(user_id=2, channel_id=101))
            await observer.final(job_id)
