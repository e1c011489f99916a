"""Scenario harness: the real p2p aiohttp app and the Slack sandbox, talking over loopback."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.app import EVENTS_PATH, P2P, build_p2p, start_http
from bot.sandbox import Sandbox, SandboxSettings
from bot.settings import Settings
from bot.workshop.ports import Clock
from tests.fakes import FakeClock

SIGNING_SECRET = "scenario-signing-secret"
BOT_TOKEN = "xoxb-scenario"
APP_TOKEN = "xapp-scenario"
TEAM = ("fran", "priya", "mark", "sam", "erin", "eli", "quinn", "omar", "sofia", "stranger")


@dataclass
class Harness:
    slack: Sandbox
    p2p: P2P
    app_url: str
    channel: str
    users: dict[str, str] = field(default_factory=dict)
    # Slack errors the test provokes on purpose; any other `ok: false` answer fails it.
    # `ratelimited` is Slack's way of pacing a client, which p2p's client waits out.
    expected_errors: set[str] = field(default_factory=lambda: {"ratelimited"})

    def __getitem__(self, name: str) -> str:
        return self.users[name]

    def expect_slack_errors(self, *errors: str) -> None:
        """The test makes Slack refuse these on purpose."""
        self.expected_errors.update(errors)

    def unexpected_errors(self) -> list[str]:
        """Every `ok: false` Web API answer the test did not expect, as "method: error"."""
        return [
            f"{call.method}: {call.response.get('error')}"
            for call in self.slack.calls
            if not call.response.get("ok")
            and call.response.get("error") not in self.expected_errors
        ]

    async def command(self, user: str, text: str, channel: str | None = None) -> None:
        """Type /p2p … and wait for p2p's answer: a reply only they see, or a form."""
        person = self.users[user]
        replies, forms = len(self.slack.ephemerals(person)), len(self.slack.open_views(person))
        await self.slack.slash_command(person, channel or self.channel, "/p2p", text)
        await self.slack.wait_for(
            lambda: (
                len(self.slack.ephemerals(person)) > replies
                or len(self.slack.open_views(person)) > forms
            ),
            timeout=30,
        )
        await self.slack.settle(quiet=0.2)

    async def wait_for_channel(self, count: int, *, containing: str = "") -> None:
        """Wait until the channel shows ``count`` messages, the last one containing text."""
        await self.slack.wait_for(
            lambda: len(self.channel_texts()) == count and containing in self.channel_texts()[-1],
            timeout=30,
        )

    def ephemeral_texts(self, user: str) -> list[str]:
        return [self.slack.render(e) for e in self.slack.ephemerals(self.users[user])]

    def dm_texts(self, user: str) -> list[str]:
        return [self.slack.render(m) for m in self.slack.dm_messages(self.users[user])]

    def channel_texts(self) -> list[str]:
        return [self.slack.render(m) for m in self.slack.channel_messages(self.channel)]

    async def stage_view(self, user: str) -> str:
        """`user` clicks "Show the path, stage by stage" under the summary: the view as
        they see it once it is filled in."""
        await self.slack.click(self.users[user], "show_stages")

        def filled() -> bool:
            views = self.slack.open_views(self.users[user])
            return bool(views) and "Assembling" not in self.slack.render_view(views[-1])

        await self.slack.wait_for(filled, timeout=30)
        return self.slack.render_view(self.slack.open_views(self.users[user])[-1])


def scenario_settings(slack: Sandbox, database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr(slack.bot_token),
        slack_signing_secret=SecretStr(slack.signing_secret),
        slack_api_url=slack.api_url,
        database_url=database_url,
    )


async def start_harness(
    database_url: str, *, clock: Clock | None = None, rate_limits: str = "slack"
) -> tuple[Harness, web.AppRunner]:
    slack = Sandbox(
        SandboxSettings(
            signing_secret=SIGNING_SECRET,
            bot_token=BOT_TOKEN,
            app_token=APP_TOKEN,
            rate_limits=rate_limits,
        )
    )
    await slack.start()
    p2p = build_p2p(scenario_settings(slack, database_url), clock=clock)
    await p2p.database.migrate()
    runner = await start_http(p2p, host="127.0.0.1", port=0)
    port = runner.addresses[0][1]
    app_url = f"http://127.0.0.1:{port}"
    slack.request_url = app_url + EVENTS_PATH
    users = {name: slack.add_user(name, real_name=name.title()) for name in TEAM}
    members = [uid for name, uid in users.items() if name != "stranger"]
    channel = slack.add_channel("path-to-prod", members=members)
    return Harness(slack=slack, p2p=p2p, app_url=app_url, channel=channel, users=users), runner


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def harness(database_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    built, runner = await start_harness(database_url, clock=clock)
    try:
        yield built
    finally:
        # Let the bot finish what a test set going before its database is closed.
        with contextlib.suppress(TimeoutError):
            await built.slack.settle(quiet=0.2, timeout=10)
        await runner.cleanup()
        await built.p2p.close()
        await built.slack.stop()
    unexpected = built.unexpected_errors()
    assert not unexpected, f"Slack refused calls the test did not expect: {unexpected}"
