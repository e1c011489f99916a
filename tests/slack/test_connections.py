"""The Web API clients share one pool of kept-alive connections (bot/slack/connections.py):
three calls, one connection; without the pool, slack_sdk opens one a call."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.slack.connections import SlackConnections
from bot.slack.pacing import MethodPacing, PacedWebClient


@pytest.fixture
async def slack() -> AsyncIterator[tuple[str, list[object]]]:
    """A Web API that answers every call ok, and notes the connection each came on."""
    peers: list[object] = []

    async def answer(request: web.Request) -> web.Response:
        assert request.transport is not None
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"ok": True, "user_id": "UBOT", "team_id": "T1"})

    app = web.Application()
    app.router.add_post("/api/{method}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/api/", peers
    await runner.cleanup()


def client(url: str, connections: SlackConnections | None, token: str) -> PacedWebClient:
    return PacedWebClient(token=token, base_url=url, pacing=MethodPacing(), connections=connections)


async def test_calls_share_one_kept_alive_connection(slack: tuple[str, list[object]]) -> None:
    url, peers = slack
    connections = SlackConnections()
    one, other = client(url, connections, "xoxb-one"), client(url, connections, "xoxb-other")
    await one.auth_test()
    await other.auth_test()  # another workspace's client, the same pool
    await one.chat_postMessage(channel="U1", text="hi")
    assert len(peers) == 3
    assert len(set(peers)) == 1
    await connections.close()
    assert one.session is not None
    assert one.session.closed


async def test_without_the_pool_every_call_opens_a_connection(
    slack: tuple[str, list[object]],
) -> None:
    url, peers = slack
    alone = client(url, None, "xoxb-one")
    for _ in range(3):
        await alone.auth_test()
    assert len(set(peers)) == 3


async def test_closing_a_pool_never_opened_is_harmless() -> None:
    await SlackConnections().close()
