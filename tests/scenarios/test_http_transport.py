"""Slack's side of HTTP: signatures, timestamps, acknowledgement, rate limits, health."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

import aiohttp

from bot.app import EVENTS_PATH, build_p2p, start_http
from tests.scenarios.conftest import SIGNING_SECRET, Harness, scenario_settings


def signed_headers(body: str, *, secret: str = SIGNING_SECRET, age: float = 0) -> dict[str, str]:
    timestamp = str(int(time.time() - age))
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command_body(harness: Harness, text: str) -> str:
    return urlencode(
        {
            "command": "/p2p",
            "text": text,
            "team_id": harness.slack.team_id,
            "channel_id": harness.channel,
            "user_id": harness["fran"],
            "user_name": "fran",
            "response_url": harness.slack.url + "/response/none",
            "trigger_id": "1.2.3",
        }
    )


async def post(harness: Harness, body: str, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(harness.app_url + EVENTS_PATH, data=body, headers=headers) as response,
    ):
        return response.status


async def test_a_request_with_a_bad_signature_is_refused(harness: Harness) -> None:
    body = command_body(harness, "help")
    assert await post(harness, body, signed_headers(body, secret="not-the-secret")) == 401
    assert await post(harness, body, {"Content-Type": "application/x-www-form-urlencoded"}) == 401
    assert harness.slack.calls_to("chat.postMessage") == []


async def test_a_request_older_than_five_minutes_is_refused(harness: Harness) -> None:
    body = command_body(harness, "help")
    assert await post(harness, body, signed_headers(body, age=6 * 60)) == 401
    assert await post(harness, body, signed_headers(body, age=10)) == 200


async def test_url_verification_is_answered(harness: Harness) -> None:
    delivery = await harness.slack.url_verification("a-challenge")
    assert delivery.ok
    assert delivery.json() == {"challenge": "a-challenge"}


async def test_the_slash_command_is_acknowledged_before_any_slow_work(harness: Harness) -> None:
    # Slack answers p2p's first call with 429 and Retry-After: 2, so starting takes 2 s+.
    harness.slack.limit_next("conversations.info", times=1, retry_after=2)
    started = time.monotonic()
    delivery = await harness.slack.slash_command(
        harness["fran"], harness.channel, "/p2p", "start Checkout product=@priya"
    )
    assert delivery.ok
    assert delivery.elapsed < 2.0, "acknowledged before the 2 s of slow work"
    assert harness.slack.channel_messages(harness.channel) == []
    await harness.slack.wait_for(
        lambda: len(harness.slack.channel_messages(harness.channel)) == 1, timeout=10
    )
    assert time.monotonic() - started >= 2.0


async def test_a_429_is_retried_after_retry_after_and_the_message_arrives_once(
    harness: Harness,
) -> None:
    harness.slack.limit_next("chat.postMessage", times=1, retry_after=1)
    await harness.command("fran", "start Checkout product=@priya")
    await harness.slack.wait_for(lambda: len(harness.dm_texts("priya")) >= 1, timeout=10)
    await harness.slack.settle()
    refused = [c for c in harness.slack.calls_to("chat.postMessage") if c.status == 429]
    assert len(refused) == 1
    announcements = harness.channel_texts()
    assert len(announcements) == 1
    assert "Checkout" in announcements[0]
    assert len(harness.dm_texts("priya")) == 1


async def test_health_answers_while_the_database_does(harness: Harness) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(harness.app_url + "/healthz") as response,
    ):
        assert response.status == 200
        assert (await response.json())["database"] == "ok"


async def test_health_is_503_when_the_database_does_not_answer(harness: Harness) -> None:
    settings = scenario_settings(harness.slack, "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    p2p = build_p2p(settings)
    runner = await start_http(p2p, host="127.0.0.1", port=0)
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/healthz"
    try:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert response.status == 503
            assert (await response.json())["database"] == "unreachable"
    finally:
        await runner.cleanup()
        await p2p.close()
