"""Rate limits: HTTP 429 with Retry-After, from the test hook and from the tier buckets."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox, SandboxSettings
from bot.sandbox.ratelimit import RateLimiter, TokenBucket
from tests.sandbox.conftest import MovableClock


async def post(
    http: aiohttp.ClientSession, sandbox: Sandbox, method: str, **args: str
) -> tuple[int, str | None, dict[str, Any]]:
    async with http.post(
        sandbox.api_url + method,
        data=args,
        headers={"Authorization": f"Bearer {sandbox.bot_token}"},
    ) as response:
        return response.status, response.headers.get("Retry-After"), await response.json()


@pytest.mark.asyncio
async def test_limit_next_answers_429_with_retry_after(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    channel = sandbox.add_channel("general")
    sandbox.limit_next("chat.postMessage", times=2, retry_after=7)

    first = await post(http, sandbox, "chat.postMessage", channel=channel, text="one")
    second = await post(http, sandbox, "chat.postMessage", channel=channel, text="two")
    third = await post(http, sandbox, "chat.postMessage", channel=channel, text="three")

    assert first == (429, "7", {"ok": False, "error": "ratelimited"})
    assert second[:2] == (429, "7")
    assert third[0] == 200
    assert third[2]["ok"] is True
    assert [m.text for m in sandbox.channel_messages(channel)] == ["three"]
    assert [c.status for c in sandbox.calls_to("chat.postMessage")] == [429, 429, 200]


@pytest.mark.asyncio
async def test_slack_sdk_sees_the_429(sandbox: Sandbox, client: AsyncWebClient) -> None:
    sandbox.limit_next("users.list", retry_after=3)

    with pytest.raises(SlackApiError) as limited:
        await client.users_list()

    assert limited.value.response.status_code == 429
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "3"


@pytest.mark.asyncio
async def test_strict_buckets_have_no_burst(
    clock: MovableClock, http: aiohttp.ClientSession
) -> None:
    async with Sandbox(SandboxSettings(clock=clock, rate_limits="strict")) as sandbox:
        general = sandbox.add_channel("general")
        random = sandbox.add_channel("random")

        listed = await post(http, sandbox, "users.list")
        too_soon = await post(http, sandbox, "users.list")
        clock.advance(3.0)
        later = await post(http, sandbox, "users.list")
        in_general = await post(http, sandbox, "chat.postMessage", channel=general, text="a")
        in_random = await post(http, sandbox, "chat.postMessage", channel=random, text="b")
        general_again = await post(http, sandbox, "chat.postMessage", channel=general, text="c")

    assert listed[0] == 200
    assert too_soon[:2] == (429, "3")  # tier 2: 20 a minute, one every 3 s
    assert later[0] == 200
    assert (in_general[0], in_random[0]) == (200, 200)  # per channel
    assert general_again[:2] == (429, "1")


@pytest.mark.asyncio
async def test_slack_mode_allows_a_burst_then_limits(
    sandbox: Sandbox, http: aiohttp.ClientSession, clock: MovableClock
) -> None:
    channel = sandbox.add_channel("general")

    statuses = [
        (await post(http, sandbox, "conversations.info", channel=channel))[0] for _ in range(9)
    ]
    _, retry_after, _ = await post(http, sandbox, "conversations.info", channel=channel)
    clock.advance(1.0)
    recovered = await post(http, sandbox, "conversations.info", channel=channel)

    # tier 3: 50 a minute, a burst of ten seconds' worth (8.3), then one every 1.2 s
    assert statuses[:8] == [200] * 8
    assert statuses[8] == 429
    assert retry_after == "1"
    assert recovered[0] == 200


async def test_slack_mode_posts_once_a_second_a_channel_after_a_short_burst(
    sandbox: Sandbox, http: aiohttp.ClientSession, clock: MovableClock
) -> None:
    general, random = sandbox.add_channel("general"), sandbox.add_channel("random")

    async def say(channel: str) -> int:
        return (await post(http, sandbox, "chat.postMessage", channel=channel, text="hi"))[0]

    burst = [await say(general) for _ in range(4)]
    elsewhere = await say(random)
    clock.advance(1.0)
    later = await say(general)

    assert burst == [200, 200, 200, 429]
    assert elsewhere == 200, "each channel has its own second"
    assert later == 200


async def test_slack_mode_caps_posting_across_the_workspace(
    sandbox: Sandbox, http: aiohttp.ClientSession, clock: MovableClock
) -> None:
    channels = [sandbox.add_channel(f"team-{n}") for n in range(61)]
    statuses = [
        (await post(http, sandbox, "chat.postMessage", channel=c, text="hi"))[0] for c in channels
    ]
    clock.advance(0.1)
    after = await post(http, sandbox, "chat.postMessage", channel=channels[-1], text="hi")

    assert statuses[:60] == [200] * 60, "a burst of 60 across channels"
    assert statuses[60] == 429, "then 600 a minute"
    assert after[0] == 200


def test_token_bucket_refills_over_time() -> None:
    bucket = TokenBucket(capacity=2, refill_per_second=0.5, tokens=2, updated=0.0)

    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == pytest.approx(2.0)
    assert bucket.take(2.0) == 0.0


def test_off_mode_never_limits_but_the_hook_still_does() -> None:
    limiter = RateLimiter("off", lambda: 0.0)
    limiter.limit_next("auth.test")

    assert limiter.check("auth.test", "t5") == 1
    assert all(limiter.check("users.list", "t2") is None for _ in range(100))


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="rate_limits"):
        RateLimiter("lenient", lambda: 0.0)  # type: ignore[arg-type]
