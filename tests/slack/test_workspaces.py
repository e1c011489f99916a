"""Whose token each call uses when p2p is installed in many workspaces: found by team (or
by Enterprise Grid org for an org-wide install), refreshed before it expires, once at a
time, and taken from the store when another process refreshed it first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.install import BOT_SCOPES
from bot.slack.workspaces import InstalledWorkspaces, NotInstalled
from bot.workshop.core.model import Team
from bot.workshop.ports import acting_for
from tests.sandbox.test_sandbox_contract import manifest_list

NOW = 1_800_000_000.0


def bot(team_id: str | None, token: str, *, enterprise_id: str | None = None, **extra: Any) -> Bot:
    return Bot(
        app_id="A1",
        enterprise_id=enterprise_id,
        team_id=team_id,
        bot_token=token,
        bot_id="B1",
        bot_user_id="UBOT",
        bot_scopes=list(BOT_SCOPES),
        is_enterprise_install=team_id is None,
        installed_at=NOW - 100,
        **extra,
    )


class Store(AsyncInstallationStore):
    def __init__(self, *bots: Bot) -> None:
        self.bots = list(bots)
        self.saved: list[Bot] = []
        self.deleted: list[tuple[str | None, str | None]] = []

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        if is_enterprise_install:
            team_id = None
        for found in reversed(self.bots):
            if found.enterprise_id == enterprise_id and found.team_id == team_id:
                return found
        return None

    async def async_save_bot(self, bot: Bot) -> None:
        self.saved.append(bot)
        self.bots.append(bot)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.deleted.append((enterprise_id, team_id))
        self.bots = [
            b for b in self.bots if (b.enterprise_id, b.team_id) != (enterprise_id, team_id)
        ]


class Rotator:
    def __init__(self, store: Store, *, fails: bool = False) -> None:
        self.store = store
        self.fails = fails
        self.calls = 0
        self.before_failing: Callable[[], None] = lambda: None

    async def perform_bot_token_rotation(
        self, *, bot: Bot, minutes_before_expiration: int
    ) -> Bot | None:
        self.calls += 1
        if (
            bot.bot_token_expires_at
            and bot.bot_token_expires_at > NOW + minutes_before_expiration * 60
        ):
            return None
        if self.fails:
            self.before_failing()
            raise SlackTokenRotationError(ValueError("invalid_refresh_token"))
        return bot_of(bot.team_id, f"{bot.bot_token}-next", expires_in=43_200)


def bot_of(team_id: str | None, token: str, *, expires_in: int) -> Bot:
    return bot(
        team_id, token, bot_refresh_token=f"refresh-{token}", bot_token_expires_in=expires_in
    )


def workspaces(store: Store, rotator: Rotator) -> InstalledWorkspaces:
    return InstalledWorkspaces(
        store,
        rotator=rotator,  # type: ignore[arg-type]
        make_client=lambda token, team: AsyncWebClient(token=token, team_id=team),
        refresh_minutes=120,
        wall_clock=lambda: NOW,
    )


async def test_each_team_gets_its_own_token() -> None:
    store = Store(bot("T1", "xoxb-one"), bot("T2", "xoxb-two"))
    found = workspaces(store, Rotator(store))
    assert (await found.client_for(Team(team_id="T1"))).token == "xoxb-one"
    with acting_for(Team(team_id="T2")):
        assert (await found.client_for(None)).token == "xoxb-two"
    with pytest.raises(NotInstalled):
        await found.client_for(Team(team_id="T3"))
    with pytest.raises(NotInstalled):
        await found.client_for(None)


async def test_an_org_wide_install_serves_every_team_of_the_org() -> None:
    store = Store(bot(None, "xoxb-org", enterprise_id="E1"))
    found = workspaces(store, Rotator(store))
    client = await found.client_for(Team(team_id="T9", enterprise_id="E1"))
    assert client.token == "xoxb-org"


async def test_a_token_about_to_expire_is_refreshed_once_and_saved(monkeypatch: Any) -> None:
    monkeypatch.setattr("slack_sdk.oauth.installation_store.models.bot.time", lambda: NOW)
    store = Store(bot_of("T1", "xoxe-first", expires_in=60))
    rotator = Rotator(store)
    found = workspaces(store, rotator)
    first = await found.client_for(Team(team_id="T1"))
    again = await found.client_for(Team(team_id="T1"))
    assert first.token == "xoxe-first-next"
    assert again is first, "the refreshed token is remembered"
    assert rotator.calls == 1
    assert [b.bot_token for b in store.saved] == ["xoxe-first-next"]


async def test_when_another_process_refreshed_first_its_token_is_used(monkeypatch: Any) -> None:
    monkeypatch.setattr("slack_sdk.oauth.installation_store.models.bot.time", lambda: NOW)
    store = Store(bot_of("T1", "xoxe-first", expires_in=60))
    rotator = Rotator(store, fails=True)
    # the other process spent the refresh token a moment ago, and saved what it got
    rotator.before_failing = lambda: store.bots.append(
        bot_of("T1", "xoxe-theirs", expires_in=43_200)
    )
    found = workspaces(store, rotator)
    assert (await found.client_for(Team(team_id="T1"))).token == "xoxe-theirs"


async def test_a_refresh_that_fails_with_nothing_newer_stored_is_an_error(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr("slack_sdk.oauth.installation_store.models.bot.time", lambda: NOW)
    store = Store(bot_of("T1", "xoxe-first", expires_in=60))
    found = workspaces(store, Rotator(store, fails=True))
    with pytest.raises(SlackTokenRotationError):
        await found.client_for(Team(team_id="T1"))


async def test_forgetting_a_team_deletes_its_install_and_its_remembered_token() -> None:
    store = Store(bot("T1", "xoxb-one"), bot("T2", "xoxb-two"))
    found = workspaces(store, Rotator(store))
    await found.client_for(Team(team_id="T1"))
    await found.forget(Team(team_id="T1"))
    assert store.deleted == [(None, "T1")]
    with pytest.raises(NotInstalled):
        await found.client_for(Team(team_id="T1"))
    assert (await found.client_for(Team(team_id="T2"))).token == "xoxb-two"


def test_the_scopes_asked_for_are_the_manifests() -> None:
    manifest = Path(__file__).resolve().parents[2] / "bot" / "slack" / "manifest.yml"
    text = manifest.read_text()
    assert set(BOT_SCOPES) == set(manifest_list(text, "scopes", "bot"))
    assert manifest_list(text, "oauth_config", "redirect_urls") == [
        "https://p2p.example.com/slack/oauth_redirect"
    ]
