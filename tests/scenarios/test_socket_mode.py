"""The same /p2p start over Socket Mode: Slack connects out, no public URL; the HTTP port
answers health checks only."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from urllib.parse import urlencode

import aiohttp
from pydantic import SecretStr

from bot.app import EVENTS_PATH, HEALTH_PATH, build_p2p, serve_socket_mode
from bot.sandbox import Sandbox, SandboxSettings
from bot.sandbox.delivery import slack_signature
from tests.scenarios.conftest import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    Harness,
    scenario_settings,
)


async def test_start_a_workshop_over_socket_mode(database_url: str) -> None:
    slack = Sandbox(
        SandboxSettings(
            signing_secret=SIGNING_SECRET,
            bot_token=BOT_TOKEN,
            app_token=APP_TOKEN,
        )
    )
    await slack.start()
    settings = scenario_settings(slack, database_url).model_copy(
        update={"slack_app_token": SecretStr(APP_TOKEN), "slack_signing_secret": None}
    )
    p2p = build_p2p(settings)
    await p2p.database.migrate()
    fran, priya = slack.add_user("fran"), slack.add_user("priya")
    channel = slack.add_channel("path-to-prod", members=[fran, priya])
    serving = asyncio.create_task(serve_socket_mode(p2p, app_token=APP_TOKEN))
    try:
        await slack.wait_for(lambda: slack.socket_connected, timeout=10)
        delivery = await slack.slash_command(fran, channel, "/p2p", "start Sockets product=@priya")
        assert delivery.transport == "socket"
        assert delivery.ok
        await slack.wait_for(lambda: len(slack.dm_messages(priya)) == 1, timeout=10)
        await slack.settle()
        (announcement,) = slack.channel_messages(channel)
        assert "Sockets" in slack.render(announcement)
        assert "has started" in slack.render(slack.ephemerals(fran)[-1])
        assert slack.calls_to("apps.connections.open")[0].status == 200

        await slack.send_dm(priya, "2 days of work over 4 days, comes back rarely")
        await slack.wait_for(lambda: len(slack.dm_messages(priya)) >= 3, timeout=10)
        assert "step 2 of 8" in slack.render(slack.dm_messages(priya)[-1])
        await slack.settle()  # let the last acknowledgement arrive before disconnecting
        assert all(d.ok for d in slack.deliveries), "every envelope acknowledged in time"
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await p2p.close()
        await slack.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_command(
    slack: Sandbox, user: str, channel: str, owner: str
) -> tuple[str, dict[str, str]]:
    """A /p2p start as Slack would post it, signed with an empty key: what anyone can
    sign when an app holds no signing secret, as in Socket Mode."""
    body = urlencode(
        {
            "command": "/p2p",
            "text": f"start Forged product=<@{owner}>",
            "team_id": slack.team_id,
            "channel_id": channel,
            "user_id": user,
            "user_name": "fran",
            "response_url": slack.url + "/response/none",
            "trigger_id": "1.2.3",
        }
    )
    timestamp = str(int(time.time()))
    return body, {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": slack_signature("", timestamp, body.encode()),
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def test_in_socket_mode_the_http_port_answers_health_checks_only(
    database_url: str,
) -> None:
    slack = Sandbox(
        SandboxSettings(
            signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN,
        )
    )  # fmt: skip
    await slack.start()
    settings = scenario_settings(slack, database_url).model_copy(
        update={"slack_app_token": SecretStr(APP_TOKEN), "slack_signing_secret": None}
    )
    p2p = build_p2p(settings)
    await p2p.database.migrate()
    fran, priya = slack.add_user("fran"), slack.add_user("priya")
    channel = slack.add_channel("path-to-prod", members=[fran, priya])
    port = free_port()
    serving = asyncio.create_task(serve_socket_mode(p2p, app_token=APP_TOKEN, health_port=port))
    base = f"http://127.0.0.1:{port}"
    body, headers = start_command(slack, fran, channel, priya)
    try:
        await slack.wait_for(lambda: slack.socket_connected, timeout=10)
        async with aiohttp.ClientSession() as session:
            async with session.get(base + HEALTH_PATH) as response:
                assert response.status == 200
                assert (await response.json())["database"] == "ok"
            async with session.post(base + EVENTS_PATH, data=body, headers=headers) as response:
                assert response.status == 404
            for path in (EVENTS_PATH, "/", "/slack/install"):
                async with session.get(base + path) as response:
                    assert response.status == 404, path
        await slack.settle()
        assert slack.channel_messages(channel) == [], "no workshop was started"
        assert slack.dm_messages(priya) == []
        assert slack.ephemerals(fran) == []
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await p2p.close()
        await slack.stop()


async def test_in_http_mode_the_port_still_takes_slack_requests(harness: Harness) -> None:
    """The same forged request in HTTP mode reaches the app, which refuses its signature;
    a correctly signed one is served."""
    body, forged = start_command(harness.slack, harness["fran"], harness.channel, harness["priya"])
    timestamp = forged["X-Slack-Request-Timestamp"]
    signed = forged | {
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, timestamp, body.encode())
    }
    async with aiohttp.ClientSession() as session:
        async with session.post(
            harness.app_url + EVENTS_PATH, data=body, headers=forged
        ) as response:
            assert response.status == 401
        async with session.post(
            harness.app_url + EVENTS_PATH, data=body, headers=signed
        ) as response:
            assert response.status == 200
        async with session.get(harness.app_url + HEALTH_PATH) as response:
            assert response.status == 200
    await harness.slack.wait_for(lambda: len(harness.channel_texts()) == 1, timeout=10)
    assert "Forged" in harness.channel_texts()[0]
