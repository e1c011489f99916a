"""What the OAuth tests share: an app registered for OAuth, and a stand-in for the app's
redirect endpoint that exchanges the code the way an app does."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import OAuthApp, Sandbox, SandboxSettings, SandboxWorkspace
from tests.sandbox.conftest import MovableClock

SCOPES = (
    "chat:write",
    "commands",
    "im:history",
    "im:write",
    "users:read",
    "channels:read",
    "files:write",
)


def oauth_app(redirect_uri: str, **changes: Any) -> OAuthApp:
    return OAuthApp(
        client_id="4111.2222",
        client_secret="client-secret",
        redirect_uri=redirect_uri,
        scopes=SCOPES,
        **changes,
    )


@dataclass
class AppRedirect:
    """The app's ``/slack/oauth_redirect``: exchanges ``code`` with oauth.v2.access and keeps
    what Slack answered, per team; and its ``/slack/events``, which keeps every event."""

    sandbox_api: str = ""
    url: str = ""
    events_url: str = ""
    installs: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    async def handle_event(self, request: web.Request) -> web.Response:
        self.events.append(await request.json())
        return web.Response()

    async def handle(self, request: web.Request) -> web.Response:
        code = request.query.get("code")
        if code is None:
            return web.Response(status=400, text=request.query.get("error", "no code"))
        client = AsyncWebClient(base_url=self.sandbox_api)
        answer = await client.oauth_v2_access(
            client_id="4111.2222", client_secret="client-secret", code=code, redirect_uri=self.url
        )
        self.answers.append(dict(answer.data))  # type: ignore[arg-type]
        self.installs[answer["team"]["id"]] = dict(answer.data)  # type: ignore[arg-type]
        return web.Response(text=f"installed, state {request.query.get('state')}")


@contextlib.asynccontextmanager
async def serve_app_redirect() -> AsyncIterator[AppRedirect]:
    """The app's redirect endpoint on an ephemeral port."""
    stand_in = AppRedirect()
    app = web.Application()
    app.router.add_get("/slack/oauth_redirect", stand_in.handle)
    app.router.add_post("/slack/events", stand_in.handle_event)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    stand_in.url, stand_in.events_url = f"{base}/slack/oauth_redirect", f"{base}/slack/events"
    try:
        yield stand_in
    finally:
        await runner.cleanup()


async def start_sandbox(clock: MovableClock, redirect: AppRedirect, **changes: Any) -> Sandbox:
    settings = SandboxSettings(clock=clock, oauth=oauth_app(redirect.url, **changes))
    sandbox = await Sandbox(settings).start()
    redirect.sandbox_api = sandbox.api_url
    return sandbox


async def install(
    http: aiohttp.ClientSession, sandbox: Sandbox, redirect: AppRedirect, team: SandboxWorkspace
) -> dict[str, Any]:
    """Someone in ``team`` approves the install; the browser follows Slack's redirect to the
    app, which exchanges the code. Returns oauth.v2.access's answer."""
    people = [u for u in team.workspace.users.values() if not u.is_bot and u.name != "slackbot"]
    location = sandbox.authorize(team, people[0].id, state=f"state-{team.team_id}")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [f"state-{team.team_id}"]
    async with http.get(location) as landed:
        assert landed.status == 200, await landed.text()
    return redirect.installs[team.team_id]
