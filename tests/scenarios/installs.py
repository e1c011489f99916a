"""A harness for p2p installed in many workspaces: the sandbox with the app registered for
OAuth, p2p serving with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (no bot token), and a
browser that installs it through p2p's "Add to Slack" page and Slack's consent page."""

from __future__ import annotations

import html
import re
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from bot.app import EVENTS_PATH, P2P, build_p2p, start_http
from bot.sandbox import OAuthApp, Sandbox, SandboxSettings, SandboxWorkspace
from bot.settings import Settings
from bot.slack.install import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from tests.fakes import FakeClock

CLIENT_ID = "4111.2222"
CLIENT_SECRET = "scenario-client-secret"
SIGNING_SECRET = "scenario-signing-secret"


class SlackTime:
    """The sandbox's clock: monotonic seconds that a test can move on (tokens expire)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


@dataclass
class Landing:
    """Where the browser ended up after an install: p2p's page."""

    status: int
    text: str
    url: str = ""  # the redirect the browser followed
    cookie: str = ""  # the state cookie it carried


@dataclass
class Installs:
    slack: Sandbox
    p2p: P2P
    app_url: str
    slack_time: SlackTime
    expected_errors: set[str] = field(default_factory=lambda: {"ratelimited"})

    async def install(self, team: SandboxWorkspace, installer: str) -> Landing:
        """``installer`` opens p2p's install page, clicks "Add to Slack", allows the app
        in ``team`` on Slack's consent page and is sent back to p2p."""
        async with aiohttp.ClientSession() as browser:
            async with browser.get(self.app_url + INSTALL_PATH) as page:
                assert page.status == 200, await page.text()
                cookie = page.headers.get("Set-Cookie", "").split(";", 1)[0]
                found = re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', await page.text())
            assert found is not None, "the install page links to Slack's consent page"
            consent = html.unescape(found.group(1)) + f"&team={team.team_id}&user={installer}"
            async with browser.get(consent, allow_redirects=False) as allowed:
                assert allowed.status == 302, await allowed.text()
                back = allowed.headers["Location"]
            return await self.land(back, cookie=cookie)

    async def land(self, url: str, *, cookie: str = "") -> Landing:
        """The browser follows Slack's redirect to p2p (with the state cookie, if any)."""
        async with aiohttp.ClientSession() as browser:
            headers = {"Cookie": cookie} if cookie else {}
            async with browser.get(url, headers=headers, allow_redirects=False) as landed:
                text = await landed.text()
                return Landing(status=landed.status, text=text, url=url, cookie=cookie)

    def unexpected_errors(self) -> list[str]:
        return [
            f"{call.method}: {call.response.get('error')}"
            for call in self.slack.calls
            if not call.response.get("ok")
            and call.response.get("error") not in self.expected_errors
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serving_installs(
    database_url: str, clock: FakeClock, **oauth: Any
) -> AsyncIterator[Installs]:
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    slack_time = SlackTime()
    slack = Sandbox(
        SandboxSettings(
            signing_secret=SIGNING_SECRET,
            clock=slack_time,
            oauth=OAuthApp(
                client_id=CLIENT_ID,
                client_secret=CLIENT_SECRET,
                redirect_uri=app_url + REDIRECT_PATH,
                scopes=BOT_SCOPES,
                **oauth,
            ),
        )
    )
    await slack.start()
    slack.request_url = app_url + EVENTS_PATH
    settings = Settings(
        _env_file=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=SecretStr(CLIENT_SECRET),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=slack.api_url,
        slack_authorize_url=slack.authorize_url,
        slack_redirect_uri=app_url + REDIRECT_PATH,
        slack_token_refresh_minutes=1,
        database_url=database_url,
    )
    p2p = build_p2p(settings, clock=clock)
    await p2p.database.migrate()
    runner: web.AppRunner = await start_http(p2p, host="127.0.0.1", port=port)
    installs = Installs(slack=slack, p2p=p2p, app_url=app_url, slack_time=slack_time)
    try:
        yield installs
    finally:
        with suppress(TimeoutError):
            await slack.settle(quiet=0.2, timeout=10)
        await runner.cleanup()
        await p2p.close()
        await slack.stop()
    unexpected = installs.unexpected_errors()
    assert not unexpected, f"Slack refused calls the test did not expect: {unexpected}"
