"""Several workspaces in one sandbox: each Web API call acts in the workspace of its token,
each delivery carries its workspace, and uninstalling one leaves the others working."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable

import aiohttp
import pytest
import pytest_asyncio
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.sandbox import ActionNotPossible, Sandbox, SandboxWorkspace, slack_signature
from tests.sandbox.conftest import MovableClock, Receiver
from tests.sandbox.oauth_app import AppRedirect, install, serve_app_redirect, start_sandbox

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning"),
]


@pytest_asyncio.fixture
async def app_redirect() -> AsyncIterator[AppRedirect]:
    async with serve_app_redirect() as stand_in:
        yield stand_in


@pytest_asyncio.fixture
async def sandbox(clock: MovableClock, app_redirect: AppRedirect) -> AsyncIterator[Sandbox]:
    running = await start_sandbox(clock, app_redirect)
    yield running
    await running.stop()


@pytest_asyncio.fixture
async def acme(sandbox: Sandbox) -> SandboxWorkspace:
    team = sandbox.add_workspace("Acme")
    team.add_user("alice", real_name="Alice Archer")
    return team


@pytest_asyncio.fixture
async def globex(sandbox: Sandbox) -> SandboxWorkspace:
    team = sandbox.add_workspace("Globex", enterprise_id="E0GLOBEX", enterprise_name="Globex Org")
    team.add_user("gina", real_name="Gina Grey")
    return team


def client_for(sandbox: Sandbox, token: str | None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=sandbox.api_url)


async def status_of(call: Awaitable[AsyncSlackResponse]) -> int:
    try:
        return (await call).status_code
    except SlackApiError as error:
        return int(error.response.status_code)


async def installed_client(
    http: aiohttp.ClientSession, sandbox: Sandbox, redirect: AppRedirect, team: SandboxWorkspace
) -> AsyncWebClient:
    answer = await install(http, sandbox, redirect, team)
    return client_for(sandbox, answer["access_token"])


async def test_workspaces_stand_side_by_side(
    sandbox: Sandbox, acme: SandboxWorkspace, globex: SandboxWorkspace
) -> None:
    teams = {sandbox.team_id, acme.team_id, globex.team_id}
    assert len(teams) == 3
    assert set(sandbox.workspaces) == teams
    assert sandbox.default_workspace.team_id == sandbox.team_id
    assert sandbox.workspace_of(acme.team_id) is acme
    assert acme.user(acme.bot_user_id).team_id == acme.team_id
    alice = acme.workspace.user_by_name("alice")
    assert alice is not None
    assert sandbox.workspace.user(alice.id) is None, "people stay home"
    assert sandbox.default_workspace.installed
    assert not acme.installed
    assert acme.bot_token is None
    assert sandbox.default_workspace.bot_token == sandbox.bot_token
    assert globex.enterprise_id == "E0GLOBEX"


async def test_nothing_reaches_the_app_from_a_workspace_it_is_not_in(
    sandbox: Sandbox, acme: SandboxWorkspace, receiver: Receiver
) -> None:
    alice = acme.add_user("al")
    with pytest.raises(ActionNotPossible, match="not installed"):
        await acme.slash_command(alice, None, "/p2p", "help")
    assert receiver.requests == []


async def test_each_call_acts_in_the_workspace_of_its_token(
    sandbox: Sandbox,
    acme: SandboxWorkspace,
    globex: SandboxWorkspace,
    http: aiohttp.ClientSession,
    app_redirect: AppRedirect,
) -> None:
    acme_client = await installed_client(http, sandbox, app_redirect, acme)
    globex_client = await installed_client(http, sandbox, app_redirect, globex)
    acme_channel = acme.add_channel("launch", [acme.installer or ""])
    globex_channel = globex.add_channel("launch")
    gina = globex.workspace.user_by_name("gina")
    assert gina is not None

    posted = await acme_client.chat_postMessage(channel=acme_channel, text="hello Acme")
    assert posted["channel"] == acme_channel
    assert [m.text for m in acme.channel_messages(acme_channel)] == ["hello Acme"]
    assert globex.channel_messages(globex_channel) == []

    with pytest.raises(SlackApiError) as foreign_channel:
        await acme_client.chat_postMessage(channel=globex_channel, text="wrong place")
    assert foreign_channel.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as foreign_user:
        await acme_client.users_info(user=gina.id)
    assert foreign_user.value.response["error"] == "user_not_found"
    assert (await globex_client.users_info(user=gina.id))["user"]["team_id"] == globex.team_id
    with pytest.raises(SlackApiError) as unknown:
        await client_for(sandbox, "xoxb-not-a-token").auth_test()
    assert unknown.value.response["error"] == "invalid_auth"

    acme_auth = await acme_client.auth_test()
    assert acme_auth["team_id"] == acme.team_id
    assert acme_auth["user_id"] == acme.bot_user_id
    assert acme_auth["bot_id"] == acme.workspace.bot_id
    assert acme_auth["is_enterprise_install"] is False
    assert "enterprise_id" not in acme_auth.data
    globex_auth = await globex_client.auth_test()
    assert (globex_auth["team_id"], globex_auth["enterprise_id"]) == (globex.team_id, "E0GLOBEX")
    default_auth = await client_for(sandbox, sandbox.bot_token).auth_test()
    assert default_auth["team_id"] == sandbox.team_id

    acme_token, globex_token = acme.bot_token, globex.bot_token
    assert acme_token == acme_client.token
    assert globex_token == globex_client.token
    assert acme.calls
    assert all(c.token == acme_token for c in acme.calls)
    assert globex.calls
    assert all(c.token == globex_token for c in globex.calls)
    assert {c.team_id for c in sandbox.calls_to("auth.test")} == {
        acme.team_id,
        globex.team_id,
        sandbox.team_id,
        None,
    }
    unknown_call = [c for c in sandbox.calls_to("auth.test") if c.team_id is None]
    assert unknown_call[0].token == "xoxb-not-a-token"
    assert unknown_call[0].token_kind == "invalid"


async def test_deliveries_carry_their_workspace(
    sandbox: Sandbox,
    acme: SandboxWorkspace,
    globex: SandboxWorkspace,
    http: aiohttp.ClientSession,
    app_redirect: AppRedirect,
    receiver: Receiver,
) -> None:
    await install(http, sandbox, app_redirect, acme)
    globex_client = await installed_client(http, sandbox, app_redirect, globex)
    alice = acme.installer or ""
    gina = globex.installer or ""
    acme_channel = acme.add_channel("launch", [alice])

    command = await acme.slash_command(alice, acme_channel, "/p2p", "help")
    dm = await globex.send_dm(gina, "hello")
    await globex_client.chat_postMessage(channel=globex.dm_channel(gina), text="hi Gina")
    await sandbox.settle()

    assert command.ok
    assert dm.ok
    assert command.payload["team_id"] == acme.team_id
    assert command.payload["channel_id"] == acme_channel
    assert "enterprise_id" not in command.payload
    assert dm.payload["team_id"] == globex.team_id
    assert dm.payload["enterprise_id"] == "E0GLOBEX"
    assert dm.payload["context_enterprise_id"] == "E0GLOBEX"
    assert dm.payload["authorizations"] == [
        {
            "enterprise_id": "E0GLOBEX",
            "team_id": globex.team_id,
            "user_id": globex.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    echoed = [
        d.payload
        for d in sandbox.deliveries
        if d.kind == "event" and d.payload["event"].get("text") == "hi Gina"
    ]
    assert echoed
    assert echoed[0]["team_id"] == globex.team_id
    assert echoed[0]["event"]["bot_id"] == globex.workspace.bot_id

    for request in receiver.requests:  # one app, one signing secret, in every workspace
        timestamp = request.headers["X-Slack-Request-Timestamp"]
        expected = slack_signature(sandbox.signing_secret, timestamp, request.body)
        assert request.headers["X-Slack-Signature"] == expected


async def test_interactions_name_the_workspace_and_its_org(
    sandbox: Sandbox,
    globex: SandboxWorkspace,
    http: aiohttp.ClientSession,
    app_redirect: AppRedirect,
    receiver: Receiver,
) -> None:
    globex_client = await installed_client(http, sandbox, app_redirect, globex)
    gina = globex.installer or ""
    button = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "go",
                "text": {"type": "plain_text", "text": "Go"},
            }
        ],
    }
    posted = await globex_client.chat_postMessage(
        channel=globex.dm_channel(gina), text="Ready?", blocks=[button]
    )

    assert posted["ok"]

    clicked = await globex.click(gina, "go")

    assert clicked.payload["team"]["id"] == globex.team_id
    assert clicked.payload["enterprise"] == {"id": "E0GLOBEX", "name": "Globex Org"}
    assert clicked.payload["user"]["team_id"] == globex.team_id
    assert clicked.payload["is_enterprise_install"] is False


async def test_uninstalling_one_workspace_leaves_the_others_working(
    sandbox: Sandbox,
    acme: SandboxWorkspace,
    globex: SandboxWorkspace,
    http: aiohttp.ClientSession,
    app_redirect: AppRedirect,
    receiver: Receiver,
) -> None:
    acme_client = await installed_client(http, sandbox, app_redirect, acme)
    globex_client = await installed_client(http, sandbox, app_redirect, globex)

    deliveries = await sandbox.uninstall(acme)

    assert [(d.payload["event"]["type"], d.payload["team_id"]) for d in deliveries] == [
        ("app_uninstalled", acme.team_id),
        ("tokens_revoked", acme.team_id),
    ]
    assert deliveries[1].payload["event"]["tokens"]["bot"] == [acme.bot_user_id]
    assert all(d.ok for d in deliveries)
    with pytest.raises(SlackApiError) as revoked:
        await acme_client.auth_test()
    assert revoked.value.response["error"] == "token_revoked"
    assert not acme.installed
    assert acme.bot_token is None
    assert (await globex_client.auth_test())["team_id"] == globex.team_id
    assert (await client_for(sandbox, sandbox.bot_token).auth_test())["team_id"] == sandbox.team_id
    with pytest.raises(ActionNotPossible):
        await acme.slash_command(acme.installer or "", None, "/p2p", "help")

    again = await installed_client(http, sandbox, app_redirect, acme)
    assert (await again.auth_test())["team_id"] == acme.team_id, "a reinstall gets a new token"


async def test_rate_limits_are_per_workspace(
    clock: MovableClock, app_redirect: AppRedirect, http: aiohttp.ClientSession
) -> None:
    sandbox = await start_sandbox(clock, app_redirect)
    try:
        acme = sandbox.add_workspace("Acme")
        acme.add_user("alice")
        acme_client = await installed_client(http, sandbox, app_redirect, acme)
        default_client = client_for(sandbox, sandbox.bot_token)
        acme.limit_next("users.list", times=1, retry_after=7)

        assert (await default_client.users_list())["ok"], "another workspace's limit"
        with pytest.raises(SlackApiError) as limited:
            await acme_client.users_list()
        assert limited.value.response.status_code == 429
        assert limited.value.response.headers["Retry-After"] == "7"
        assert (await acme_client.users_list())["ok"]

        statuses = [await status_of(default_client.users_list()) for _ in range(10)]
        assert 429 in statuses, "users.list is tier 2: the default workspace's bucket ran dry"
        assert (await acme_client.users_list())["ok"], "Acme's bucket is its own"
    finally:
        await sandbox.stop()


async def test_files_and_response_urls_stay_in_their_workspace(
    sandbox: Sandbox,
    acme: SandboxWorkspace,
    http: aiohttp.ClientSession,
    app_redirect: AppRedirect,
    receiver: Receiver,
) -> None:
    acme_client = await installed_client(http, sandbox, app_redirect, acme)
    alice = acme.installer or ""
    channel = acme.add_channel("exports", [alice])

    await acme_client.files_upload_v2(channel=channel, content=b"a,b\n", filename="x.csv")
    command = await acme.slash_command(alice, channel, "/p2p", "status")
    async with http.post(command.payload["response_url"], json={"text": "Only you"}) as posted:
        assert posted.status == 200

    [file] = acme.files
    assert sandbox.files == [], "the default workspace has no files"
    url = f"{sandbox.url}/files/{file.id}/{file.name}"
    async with http.get(url, headers={"Authorization": f"Bearer {acme.bot_token}"}) as mine:
        assert await mine.read() == b"a,b\n"
    async with http.get(url, headers={"Authorization": f"Bearer {sandbox.bot_token}"}) as theirs:
        assert theirs.status == 403
    assert [e.text for e in acme.ephemerals(alice)] == ["Only you"]
