"""Fault injection: failed Web API calls change nothing, the shares are honoured for a
seed, redeliveries carry Slack's retry headers, and a held-back delivery comes after the
next one."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.http_retry.builtin_async_handlers import AsyncServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import FaultCounts, FaultSettings, Sandbox, SandboxSettings
from bot.sandbox.faults import CallFault
from tests.sandbox.conftest import Receiver
from tests.sandbox.test_sandbox_delivery import button_message

pytestmark = pytest.mark.asyncio


@asynccontextmanager
async def faulty(faults: FaultSettings) -> AsyncIterator[tuple[Sandbox, Receiver]]:
    """A sandbox failing as ``faults`` says, delivering to a stand-in for the bot."""
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/slack/events", receiver.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        async with Sandbox(SandboxSettings(rate_limits="off", faults=faults)) as sandbox:
            sandbox.request_url = receiver.url
            yield sandbox, receiver
    finally:
        await runner.cleanup()


async def post_message(
    http: aiohttp.ClientSession, sandbox: Sandbox, channel: str, text: str
) -> tuple[int, dict[str, str], object]:
    """chat.postMessage with no retries: (status, headers, JSON body), or a dropped
    connection raised as aiohttp's ServerDisconnectedError."""
    async with http.post(
        f"{sandbox.api_url}chat.postMessage",
        data={"channel": channel, "text": text},
        headers={"Authorization": f"Bearer {sandbox.bot_token}"},
    ) as response:
        return response.status, dict(response.headers), await response.json()


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ("500", 500, "internal_error"),
        ("503", 503, "service_unavailable"),
        ("429", 429, "ratelimited"),
    ],
)
async def test_a_failed_call_is_answered_as_failed_and_changes_nothing(
    http: aiohttp.ClientSession, fault: CallFault, status: int, error: str
) -> None:
    async with faulty(FaultSettings(failed_calls=1.0, call_faults=(fault,))) as (sandbox, _):
        alice = sandbox.add_user("alice")
        channel = sandbox.add_channel("path-to-prod", [alice])
        answered, headers, body = await post_message(http, sandbox, channel, "hello")

        assert (answered, body) == (status, {"ok": False, "error": error})
        assert headers.get("Retry-After") == ("1" if fault == "429" else None)
        assert sandbox.channel_messages(channel) == [], "the message was never posted"
        assert sandbox.calls == [], "the workspace never saw the call"
        assert sandbox.faults.counts.failed == {fault: 1}
        assert sandbox.faults.counts.lost == []


async def test_a_dropped_call_closes_the_connection_and_changes_nothing(
    http: aiohttp.ClientSession,
) -> None:
    async with faulty(FaultSettings(failed_calls=1.0, call_faults=("drop",))) as (sandbox, _):
        alice = sandbox.add_user("alice")
        channel = sandbox.add_channel("path-to-prod", [alice])
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await post_message(http, sandbox, channel, "hello")

        assert sandbox.channel_messages(channel) == []
        assert sandbox.calls == []
        assert sandbox.faults.counts.failed == {"drop": 1}


async def test_a_client_that_retries_posts_once_after_a_failed_call() -> None:
    """slack_sdk retries a 500: the message is there once, as no failed call had effect."""
    settings = FaultSettings(seed=3, failed_calls=0.5, call_faults=("500",))
    async with faulty(settings) as (sandbox, _):
        alice = sandbox.add_user("alice")
        channel = sandbox.add_channel("path-to-prod", [alice])
        client = AsyncWebClient(
            token=sandbox.bot_token,
            base_url=sandbox.api_url,
            retry_handlers=[
                AsyncServerErrorRetryHandler(
                    max_retry_count=20, interval_calculator=FixedValueRetryIntervalCalculator(0.0)
                )
            ],
        )
        for n in range(6):
            await client.chat_postMessage(channel=channel, text=f"message {n}")

        texts = [m.text for m in sandbox.channel_messages(channel)]
        assert texts == [f"message {n}" for n in range(6)]
        assert sandbox.faults.counts.failed["500"] > 0, "some calls failed and were retried"


async def test_a_lost_response_is_applied_but_answered_as_failed(
    http: aiohttp.ClientSession,
) -> None:
    settings = FaultSettings(lost_responses=1.0, call_faults=("503",))
    async with faulty(settings) as (sandbox, _):
        alice = sandbox.add_user("alice")
        channel = sandbox.add_channel("path-to-prod", [alice])
        status, _, body = await post_message(http, sandbox, channel, "hello")

        assert (status, body) == (503, {"ok": False, "error": "service_unavailable"})
        (posted,) = sandbox.channel_messages(channel)
        (lost,) = sandbox.faults.counts.lost
        assert (lost.method, lost.fault) == ("chat.postMessage", "503")
        assert lost.answer["ts"] == posted.ts, "what Slack would have answered is kept"
        assert sandbox.faults.counts.failed_calls == 0


async def many_calls(settings: FaultSettings, calls: int) -> tuple[list[str], FaultCounts]:
    """``calls`` calls of auth.test, one after another: what each got, and the counts."""
    outcomes = []
    async with faulty(settings) as (sandbox, _), aiohttp.ClientSession() as http:
        for _ in range(calls):
            try:
                async with http.post(
                    f"{sandbox.api_url}auth.test",
                    headers={"Authorization": f"Bearer {sandbox.bot_token}"},
                ) as response:
                    outcomes.append(str(response.status))
            except aiohttp.ServerDisconnectedError:
                outcomes.append("drop")
        return outcomes, sandbox.faults.counts


async def test_the_share_of_failed_calls_is_honoured_and_repeats_for_a_seed() -> None:
    settings = FaultSettings(seed=11, failed_calls=0.1)
    outcomes, counts = await many_calls(settings, 400)
    again, _ = await many_calls(settings, 400)
    other, _ = await many_calls(settings.model_copy(update={"seed": 12}), 400)

    failed = [o for o in outcomes if o != "200"]
    assert counts.calls == 400
    assert len(failed) == counts.failed_calls
    assert 25 <= counts.failed_calls <= 55, "about one call in ten"
    assert set(counts.failed) == {"500", "503", "429", "drop"}, "every kind, mixed"
    assert sorted(failed) == sorted(f for f, n in counts.failed.items() for _ in range(n))
    assert again == outcomes, "the same seed fails the same calls"
    assert other != outcomes, "another seed fails others"


async def test_redeliveries_carry_slacks_retry_headers_and_the_same_payload(
    http: aiohttp.ClientSession,
) -> None:
    async with faulty(FaultSettings(redelivered=1.0)) as (sandbox, receiver):
        sandbox.echo_bot_messages = False
        alice = sandbox.add_user("alice")
        async with http.post(
            f"{sandbox.api_url}chat.postMessage",
            data={"channel": alice, "text": "Ready?", "blocks": json.dumps(button_message())},
            headers={"Authorization": f"Bearer {sandbox.bot_token}"},
        ):
            pass
        await sandbox.settle(quiet=0.05)
        assert receiver.requests == []

        event = await sandbox.send_dm(alice, "two weeks")
        click = await sandbox.click(alice, "answer")
        await sandbox.slash_command(alice, None, "/p2p", "help")

        first_event, second_event, first_click, second_click, command = receiver.requests
        for first, second in ((first_event, second_event), (first_click, second_click)):
            assert second.body == first.body, "the same payload"
            assert "X-Slack-Retry-Num" not in first.headers
            assert second.headers["X-Slack-Retry-Num"] == "1"
            assert second.headers["X-Slack-Retry-Reason"] == "http_timeout"
        assert "X-Slack-Retry-Num" not in command.headers, "a slash command is never retried"
        assert [len(event.retries), len(click.retries)] == [1, 1]
        assert sandbox.faults.counts.redelivered == 2


async def test_the_share_of_redeliveries_is_honoured_and_repeats_for_a_seed() -> None:
    async def redelivered(seed: int) -> list[bool]:
        async with faulty(FaultSettings(seed=seed, redelivered=0.2)) as (sandbox, _):
            sandbox.echo_bot_messages = False
            alice = sandbox.add_user("alice")
            deliveries = [await sandbox.send_dm(alice, f"reply {n}") for n in range(150)]
            assert sandbox.faults.counts.redelivered == sum(bool(d.retries) for d in deliveries)
            return [bool(d.retries) for d in deliveries]

    first = await redelivered(5)
    assert 15 <= sum(first) <= 45, "about one in five"
    assert await redelivered(5) == first
    assert await redelivered(6) != first


async def test_a_held_back_delivery_is_sent_after_the_next() -> None:
    async with faulty(FaultSettings(reordered=1.0, hold_at_most=5.0)) as (sandbox, receiver):
        alice, bob = sandbox.add_user("alice"), sandbox.add_user("bob")
        held = asyncio.ensure_future(sandbox.send_dm(alice, "first"))
        await sandbox.wait_for(lambda: sandbox.faults.counts.deliveries == 1, timeout=2)
        assert receiver.requests == [], "held back"

        await sandbox.send_dm(bob, "second")
        await held

        texts = [r.payload["event"]["text"] for r in receiver.requests]
        assert texts == ["second", "first"]
        assert sandbox.faults.counts.reordered == 1
        assert held.result().ok


async def test_a_held_back_delivery_goes_alone_when_nothing_follows() -> None:
    async with faulty(FaultSettings(reordered=1.0, hold_at_most=0.05)) as (sandbox, receiver):
        alice = sandbox.add_user("alice")
        delivery = await sandbox.send_dm(alice, "alone")

        assert delivery.ok
        assert len(receiver.requests) == 1
        counts = sandbox.faults.counts
        assert (counts.reordered, counts.held_alone) == (0, 1)
