"""Installing the app with OAuth v2: the consent page sends the browser back to the app
with a code, oauth.v2.access trades it once for a bot token, and with token rotation the
token expires and a refresh token gets the next one."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
import pytest_asyncio
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import ConsentRefused, Sandbox, SandboxUsageError, SandboxWorkspace
from tests.sandbox.conftest import MovableClock
from tests.sandbox.oauth_app import SCOPES, AppRedirect, serve_app_redirect, start_sandbox

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning"),
]

CLIENT = {"client_id": "4111.2222", "client_secret": "client-secret"}


@pytest_asyncio.fixture
async def app_redirect() -> AsyncIterator[AppRedirect]:
    async with serve_app_redirect() as stand_in:
        yield stand_in


@pytest_asyncio.fixture
async def sandbox(clock: MovableClock, app_redirect: AppRedirect) -> AsyncIterator[Sandbox]:
    running = await start_sandbox(clock, app_redirect)
    yield running
    await running.stop()


@pytest.fixture
def acme(sandbox: Sandbox) -> SandboxWorkspace:
    team = sandbox.add_workspace("Acme")
    team.add_user("alice")
    return team


@pytest.fixture
def oauth(sandbox: Sandbox) -> AsyncWebClient:
    return AsyncWebClient(base_url=sandbox.api_url)


def alice_of(team: SandboxWorkspace) -> str:
    alice = team.workspace.user_by_name("alice")
    assert alice is not None
    return alice.id


def code_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["code"][0]


async def refused(call: object) -> str:
    with pytest.raises(SlackApiError) as error:
        await call  # type: ignore[misc]
    return str(error.value.response["error"])


async def test_the_consent_page_sends_the_browser_back_to_the_app(
    sandbox: Sandbox,
    acme: SandboxWorkspace,
    app_redirect: AppRedirect,
    http: aiohttp.ClientSession,
) -> None:
    query = {
        "client_id": "4111.2222",
        "scope": "chat:write,commands",
        "user_scope": "",
        "state": "st4te",
        "redirect_uri": app_redirect.url,
        "team": acme.team_id,
        "user": alice_of(acme),
    }
    url = f"{sandbox.authorize_url}?{urlencode(query)}"

    async with http.get(url, allow_redirects=False) as consent:
        assert consent.status == 302
        location = consent.headers["Location"]
    assert location.startswith(f"{app_redirect.url}?code=")
    assert parse_qs(urlsplit(location).query)["state"] == ["st4te"]
    async with http.get(location) as landed:
        assert landed.status == 200
        assert await landed.text() == "installed, state st4te"

    answer = app_redirect.installs[acme.team_id]
    assert answer["ok"] is True
    assert answer["access_token"].startswith("xoxb-")
    assert answer["access_token"] == acme.bot_token
    assert answer["token_type"] == "bot"
    assert answer["scope"] == "chat:write,commands"
    assert answer["bot_user_id"] == acme.bot_user_id
    assert answer["app_id"] == sandbox.workspace.app_id == acme.workspace.app_id
    assert answer["team"] == {"id": acme.team_id, "name": "Acme"}
    assert answer["enterprise"] is None
    assert answer["is_enterprise_install"] is False
    assert answer["authed_user"] == {"id": alice_of(acme)}
    assert "refresh_token" not in answer
    assert "expires_in" not in answer
    assert acme.installed
    assert acme.installer == alice_of(acme)
    assert acme.bot_scopes == ("chat:write", "commands")
    bot = AsyncWebClient(token=answer["access_token"], base_url=sandbox.api_url)
    with pytest.raises(SlackApiError) as narrow:
        await bot.users_list()
    assert narrow.value.response["error"] == "missing_scope"
    assert narrow.value.response["provided"] == "chat:write,commands", "what Acme granted"


async def test_the_consent_page_refuses_what_the_app_may_not_ask(
    sandbox: Sandbox, acme: SandboxWorkspace, http: aiohttp.ClientSession, app_redirect: AppRedirect
) -> None:
    base = {"client_id": "4111.2222", "scope": "chat:write", "team": acme.team_id}

    async def page(**changes: str) -> tuple[int, str]:
        query = urlencode({**base, **changes})
        async with http.get(f"{sandbox.authorize_url}?{query}", allow_redirects=False) as page:
            return page.status, page.headers.get("Location") or await page.text()

    status, body = await page(client_id="someone-else")
    assert (status, "invalid_client_id" in body) == (400, True)
    status, body = await page(scope="chat:write,admin")
    assert (status, "invalid_scope" in body) == (400, True)
    status, body = await page(redirect_uri="https://evil.example.com/cb")
    assert (status, "bad_redirect_uri" in body) == (400, True)
    status, location = await page(deny="1", state="s")
    assert status == 302
    assert location == f"{app_redirect.url}?error=access_denied&state=s"
    assert not acme.installed, "nothing was installed"
    with pytest.raises(ConsentRefused, match="invalid_scope"):
        sandbox.authorize(acme, alice_of(acme), scopes=["chat:write", "admin"])
    with pytest.raises(SandboxUsageError, match="not a person"):
        sandbox.authorize(acme, acme.bot_user_id)


async def test_a_code_works_once_for_the_right_client(
    sandbox: Sandbox,
    acme: SandboxWorkspace,
    oauth: AsyncWebClient,
    app_redirect: AppRedirect,
    clock: MovableClock,
) -> None:
    code = code_of(sandbox.authorize(acme, alice_of(acme)))
    redirect = app_redirect.url

    wrong_id = oauth.oauth_v2_access(
        client_id="nope", client_secret="client-secret", code=code, redirect_uri=redirect
    )
    assert await refused(wrong_id) == "invalid_client_id"
    wrong_secret = oauth.oauth_v2_access(
        client_id="4111.2222", client_secret="guess", code=code, redirect_uri=redirect
    )
    assert await refused(wrong_secret) == "bad_client_secret"
    wrong_redirect = oauth.oauth_v2_access(**CLIENT, code=code, redirect_uri="http://x.test/cb")
    assert await refused(wrong_redirect) == "bad_redirect_uri"
    assert await refused(oauth.oauth_v2_access(**CLIENT, code="made-up")) == "invalid_code"
    wrong_grant = oauth.oauth_v2_access(**CLIENT, code=code, grant_type="password")
    assert await refused(wrong_grant) == "invalid_grant_type"

    # client_id and client_secret as form fields work too
    answer = await oauth.api_call("oauth.v2.access", data={**CLIENT, "code": code})
    assert answer["team"]["id"] == acme.team_id
    again = oauth.oauth_v2_access(**CLIENT, code=code, redirect_uri=redirect)
    assert await refused(again) == "invalid_code", "a code is used once"

    late = code_of(sandbox.authorize(acme, alice_of(acme)))
    clock.advance(601)
    assert await refused(oauth.oauth_v2_access(**CLIENT, code=late)) == "invalid_code"
    assert all(c.token is None and c.team_id is None for c in sandbox.calls_to("oauth.v2.access"))


async def test_basic_auth_carries_the_client_credentials(
    sandbox: Sandbox, acme: SandboxWorkspace, http: aiohttp.ClientSession
) -> None:
    code = code_of(sandbox.authorize(acme, alice_of(acme)))
    basic = base64.b64encode(b"4111.2222:client-secret").decode()

    async with http.post(
        f"{sandbox.api_url}oauth.v2.access",
        data={"code": code},
        headers={"Authorization": f"Basic {basic}"},
    ) as response:
        answer = await response.json()

    assert answer["ok"] is True
    assert answer["team"]["id"] == acme.team_id


async def test_an_enterprise_workspace_names_its_org(
    sandbox: Sandbox, oauth: AsyncWebClient
) -> None:
    grid = sandbox.add_workspace("Initech", enterprise_id="E0INITECH")
    grid.add_user("alice")

    code = code_of(sandbox.authorize(grid, alice_of(grid)))
    answer = await oauth.oauth_v2_access(**CLIENT, code=code)

    assert answer["enterprise"] == {"id": "E0INITECH", "name": "Org E0INITECH"}
    assert answer["is_enterprise_install"] is False
    assert set(answer["scope"].split(",")) == set(SCOPES)


async def test_token_rotation_expires_tokens_and_refreshes_them(
    clock: MovableClock, app_redirect: AppRedirect
) -> None:
    sandbox = await start_sandbox(clock, app_redirect, token_rotation=True, token_ttl=60)
    try:
        acme = sandbox.add_workspace("Acme")
        acme.add_user("alice")
        oauth = AsyncWebClient(base_url=sandbox.api_url)
        code = code_of(sandbox.authorize(acme, alice_of(acme)))

        first = await oauth.oauth_v2_access(**CLIENT, code=code)
        assert first["access_token"].startswith("xoxe.xoxb-")
        assert first["refresh_token"].startswith("xoxe-1-")
        assert first["expires_in"] == 60
        bot = AsyncWebClient(token=first["access_token"], base_url=sandbox.api_url)
        assert (await bot.auth_test())["team_id"] == acme.team_id

        clock.advance(61)
        assert await refused(bot.auth_test()) == "token_expired"
        assert acme.bot_token is None

        second = await oauth.oauth_v2_access(
            **CLIENT, grant_type="refresh_token", refresh_token=first["refresh_token"]
        )
        assert second["access_token"].startswith("xoxe.xoxb-")
        assert second["access_token"] != first["access_token"]
        assert second["refresh_token"] != first["refresh_token"]
        assert second["expires_in"] == 60
        assert second["team"] == {"id": acme.team_id, "name": "Acme"}
        assert second["token_type"] == "bot"
        assert second["bot_user_id"] == acme.bot_user_id
        renewed = AsyncWebClient(token=second["access_token"], base_url=sandbox.api_url)
        assert (await renewed.auth_test())["user_id"] == acme.bot_user_id
        assert acme.bot_token == second["access_token"]

        reused = oauth.oauth_v2_access(
            **CLIENT, grant_type="refresh_token", refresh_token=first["refresh_token"]
        )
        assert await refused(reused) == "invalid_refresh_token", "a refresh token is spent"
        no_token = oauth.oauth_v2_access(**CLIENT, grant_type="refresh_token")
        assert await refused(no_token) == "invalid_refresh_token"

        sandbox.request_url = app_redirect.events_url
        await sandbox.uninstall(acme)
        assert [(e["team_id"], e["event"]["type"]) for e in app_redirect.events] == [
            (acme.team_id, "app_uninstalled"),
            (acme.team_id, "tokens_revoked"),
        ]
        revoked = oauth.oauth_v2_access(
            **CLIENT, grant_type="refresh_token", refresh_token=second["refresh_token"]
        )
        assert await refused(revoked) == "invalid_refresh_token"
        assert await refused(renewed.auth_test()) == "token_revoked"
    finally:
        await sandbox.stop()


async def test_a_long_lived_token_is_exchanged_once_for_a_rotating_one(
    clock: MovableClock, app_redirect: AppRedirect
) -> None:
    sandbox = await start_sandbox(clock, app_redirect, token_rotation=True, token_ttl=120)
    try:
        oauth = AsyncWebClient(base_url=sandbox.api_url)

        pair = await oauth.oauth_v2_exchange(token=sandbox.bot_token, **CLIENT)

        assert pair["access_token"].startswith("xoxe.xoxb-")
        assert pair["refresh_token"].startswith("xoxe-1-")
        assert pair["expires_in"] == 120
        assert pair["token_type"] == "bot"
        assert pair["team"]["id"] == sandbox.team_id
        assert pair["bot_user_id"] == sandbox.bot_user_id
        assert pair["app_id"] == sandbox.workspace.app_id
        rotating = AsyncWebClient(token=pair["access_token"], base_url=sandbox.api_url)
        assert (await rotating.auth_test())["team_id"] == sandbox.team_id
        twice = oauth.oauth_v2_exchange(token=sandbox.bot_token, **CLIENT)
        assert await refused(twice) == "token_already_exchanged"
        assert await refused(oauth.oauth_v2_exchange(token="xoxb-1-2-3", **CLIENT)) == (
            "invalid_token"
        )
        rotating_again = oauth.oauth_v2_exchange(token=pair["access_token"], **CLIENT)
        assert await refused(rotating_again) == "invalid_token"
        wrong = oauth.oauth_v2_exchange(
            token=sandbox.bot_token, client_id="4111.2222", client_secret="guess"
        )
        assert await refused(wrong) == "bad_client_secret"
    finally:
        await sandbox.stop()


async def test_exchange_needs_token_rotation(sandbox: Sandbox, oauth: AsyncWebClient) -> None:
    exchange = oauth.oauth_v2_exchange(token=sandbox.bot_token, **CLIENT)
    assert await refused(exchange) == "token_rotation_not_enabled"


async def test_without_a_registered_app_there_is_nothing_to_install(
    clock: MovableClock, http: aiohttp.ClientSession
) -> None:
    async with Sandbox() as plain:
        oauth = AsyncWebClient(base_url=plain.api_url)
        assert await refused(oauth.oauth_v2_access(**CLIENT, code="x")) == "invalid_client_id"
        with pytest.raises(SandboxUsageError, match="register the app"):
            plain.authorize(plain.team_id, "U1")
        query = urlencode({"client_id": "4111.2222", "scope": "chat:write"})
        async with http.get(f"{plain.authorize_url}?{query}") as page:
            assert page.status == 400
