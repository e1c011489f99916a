"""The same /p2p start over Socket Mode: Slack connects out, no public URL."""

from __future__ import annotations

import asyncio
import contextlib

from pydantic import SecretStr

from bot.app import build_p2p, serve_socket_mode
from bot.sandbox import Sandbox, SandboxSettings
from tests.scenarios.conftest import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, scenario_settings


async def test_start_a_workshop_over_socket_mode(database_url: str) -> None:
    slack = Sandbox(
        SandboxSettings(
            signing_secret=SIGNING_SECRET,
            bot_token=BOT_TOKEN,
            app_token=APP_TOKEN,
            rate_limits="off",
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
