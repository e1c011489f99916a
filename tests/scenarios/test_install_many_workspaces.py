"""p2p installed in many workspaces (OAuth): installs through the "Add to Slack" page and
the redirect, a workshop in each of two workspaces at once, each workspace's calls made
with its own token (reminders too), token rotation, uninstalling one workspace, and a bad
or replayed install."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.sandbox import Message, SandboxWorkspace
from bot.workshop.core.model import WorkshopStatus
from storage import interviews, jobs, workshops
from storage.db import Database
from storage.tables import Base
from tests.fakes import FakeClock
from tests.replies import reply_for
from tests.scenarios.installs import Installs, serving_installs
from tests.scenarios.test_workshop import QUESTION_BLOCK

# slack_sdk's oauth.v2.access sends the client credentials with aiohttp's BasicAuth
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

NUDGE_DAY = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # a working day after the invitation


class Team:
    """A workspace of three: a facilitator, a product owner and an engineer."""

    def __init__(self, workspace: SandboxWorkspace) -> None:
        self.workspace = workspace
        self.users = {
            name: workspace.add_user(name, real_name=name.title())
            for name in ("fran", "priya", "mark")
        }
        self.channel = workspace.add_channel("path-to-prod", members=list(self.users.values()))

    def __getitem__(self, name: str) -> str:
        return self.users[name]

    async def command(self, name: str, text: str) -> None:
        await self.workspace.slash_command(self[name], self.channel, "/p2p", text)

    def dms_from_p2p(self, name: str) -> list[Message]:
        return [m for m in self.workspace.dm_messages(self[name]) if m.user != self[name]]

    def channel_texts(self) -> list[str]:
        return [self.workspace.render(m) for m in self.workspace.channel_messages(self.channel)]


async def installed(installs: Installs, name: str, **enterprise: str) -> Team:
    team = Team(installs.slack.add_workspace(name, **enterprise))
    landing = await installs.install(team.workspace, team["fran"])
    assert landing.status == 200, landing.text
    assert "p2p is installed" in landing.text
    assert name in landing.text
    return team


async def answer_the_open_question(installs: Installs, team: Team, name: str) -> None:
    """``name`` answers the step p2p last asked them, in words p2p reads."""
    (message,) = [m for m in team.dms_from_p2p(name) if _asks(m)][-1:]
    key = next(
        str(b["block_id"]).removeprefix(QUESTION_BLOCK)
        for b in message.blocks or []
        if str(b.get("block_id", "")).startswith(QUESTION_BLOCK)
    )
    async with installs.p2p.database.transaction() as session:
        workshop = await workshops.get_active_workshop(
            session, team_id=team.workspace.team_id, channel_id=team.channel
        )
        assert workshop is not None
        (interview,) = [
            i
            for i in await interviews.list_interviews(session, workshop_id=workshop.id)
            if i.user_id == team[name]
        ]
    question = installs.p2p.services.deps.bank.find(workshop, interview.role_key, key)
    assert question is not None
    await team.workspace.send_dm(team[name], reply_for(question))


def _asks(message: Message) -> bool:
    return any(str(b.get("block_id", "")).startswith(QUESTION_BLOCK) for b in message.blocks or [])


async def stored_answers(database: Database, team: Team) -> int:
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session, team_id=team.workspace.team_id)
        if workshop is None:
            return 0
        return len(await interviews.list_answers(session, workshop_id=workshop.id))


async def test_two_workspaces_run_workshops_at_once_each_with_its_own_token(
    database_url: str, clock: FakeClock
) -> None:
    async with serving_installs(database_url, clock) as installs:
        acme = await installed(installs, "Acme")
        globex = await installed(
            installs, "Globex", enterprise_id="E0GLOBEX", enterprise_name="Globex Org"
        )
        teams = (acme, globex)

        await asyncio.gather(*(t.command("fran", "start Checkout product=@priya") for t in teams))
        await installs.slack.settle()
        for team in teams:
            assert any("Checkout" in text for text in team.channel_texts()), "announced"
            assert any(_asks(m) for m in team.dms_from_p2p("priya")), "asked in its workspace"

        await asyncio.gather(*(answer_the_open_question(installs, t, "priya") for t in teams))
        await installs.slack.settle()
        for team in teams:
            assert await stored_answers(installs.p2p.database, team) >= 1

        clock.current = NUDGE_DAY
        await installs.p2p.services.reminders.run_due(clock.now())
        await installs.slack.settle()
        for team in teams:
            nudges = [
                m
                for m in team.dms_from_p2p("priya")
                if any(b.get("block_id") == "nudge" for b in m.blocks or [])
            ]
            assert len(nudges) == 1, "each workspace's reminder, in that workspace"

        await asyncio.gather(*(t.command("fran", "close") for t in teams))
        await installs.slack.settle()
        for team in teams:
            summary = [t for t in team.channel_texts() if "Checkout" in t]
            assert len(summary) >= 2, "the announcement, then the summary"

        async with installs.p2p.database.transaction() as session:
            in_globex = await workshops.get_latest_workshop(
                session, team_id=globex.workspace.team_id
            )
        assert in_globex is not None
        assert in_globex.enterprise_id == "E0GLOBEX", "the workshop knows its Grid org"

        acme_tokens = {c.token for c in acme.workspace.calls}
        globex_tokens = {c.token for c in globex.workspace.calls}
        assert acme_tokens
        assert globex_tokens
        assert not acme_tokens & globex_tokens
        default = installs.slack.default_workspace.team_id
        for call in installs.slack.calls:
            if call.method == "oauth.v2.access":
                continue  # the code exchange is made with the app's client credentials
            assert call.team_id in (acme.workspace.team_id, globex.workspace.team_id), (
                f"{call.method} made with a token of {call.team_id or 'no workspace'}"
            )
            assert call.team_id != default
        for team in teams:
            sent = {c.method for c in team.workspace.calls}
            assert {"chat.postMessage", "conversations.info", "users.info"} <= sent


async def test_an_expired_token_is_refreshed_before_the_next_call_and_nothing_is_lost(
    database_url: str, clock: FakeClock
) -> None:
    # Slack's tokens last 12 hours with rotation on; p2p refreshes one a minute ahead
    async with serving_installs(database_url, clock, token_rotation=True, token_ttl=62) as installs:
        acme = await installed(installs, "Acme")
        first_token = {c.token for c in acme.workspace.calls}
        await acme.command("fran", "start Rotation product=@priya eng=@mark")
        await installs.slack.settle()
        await asyncio.sleep(2.5)  # within a minute of expiring: due for a refresh
        installs.slack_time.offset += 70  # ...and, at Slack, the first token has expired
        await answer_the_open_question(installs, acme, "priya")
        await installs.slack.settle()

        refreshes = [
            c
            for c in installs.slack.calls_to("oauth.v2.access")
            if c.args.get("grant_type") == "refresh_token"
        ]
        assert refreshes, "the token was refreshed"
        assert all(c.response.get("ok") for c in refreshes)
        assert await stored_answers(installs.p2p.database, acme) == 1, "the answer was stored"
        later = [c for c in acme.workspace.calls if c.at > refreshes[0].at]
        assert later, "p2p went on"
        assert all(c.response.get("ok") for c in later)
        assert not {c.token for c in later} & first_token, "with the new token"
        assert any(_asks(m) for m in acme.dms_from_p2p("priya")[1:]), "the next question"


async def test_uninstalling_one_workspace_stops_its_workshop_and_deletes_its_install(
    database_url: str, clock: FakeClock
) -> None:
    async with serving_installs(database_url, clock) as installs:
        acme = await installed(installs, "Acme")
        globex = await installed(installs, "Globex")
        for team in (acme, globex):
            await team.command("fran", "start Removal product=@priya")
        await installs.slack.settle()

        deliveries = await installs.slack.uninstall(acme.workspace)
        assert all(d.ok for d in deliveries)
        await installs.slack.settle()

        database = installs.p2p.database
        async with database.transaction() as session:
            gone = await workshops.get_latest_workshop(session, team_id=acme.workspace.team_id)
            going = await workshops.get_latest_workshop(session, team_id=globex.workspace.team_id)
            assert gone is not None
            assert going is not None
            acme_jobs = await jobs.list_jobs(session, workshop_id=gone.id)
        assert gone.status is WorkshopStatus.CANCELLED
        assert not [j for j in acme_jobs if j.state == "pending"], "its reminders stopped"
        assert going.status is WorkshopStatus.COLLECTING
        assert await installations_of(database, acme.workspace.team_id) == 0
        assert await installations_of(database, globex.workspace.team_id) > 0

        before = len(acme.workspace.calls)
        await answer_the_open_question(installs, globex, "priya")
        await installs.slack.settle()
        assert await stored_answers(database, globex) == 1, "the other workspace goes on"
        clock.current = NUDGE_DAY
        await installs.p2p.services.reminders.run_due(clock.now())
        await installs.slack.settle()
        assert len(acme.workspace.calls) == before, "nothing more is sent to Acme"


async def installations_of(database: Database, team_id: str) -> int:
    async with database.engine.connect() as connection:
        total = 0
        for name in ("slack_installations", "slack_bots"):
            table = Base.metadata.tables[name]
            total += int(
                await connection.scalar(
                    select(func.count()).select_from(table).where(table.c.team_id == team_id)
                )
                or 0
            )
        return total


async def test_a_bad_or_replayed_state_is_refused_with_a_clear_page_and_nothing_stored(
    database_url: str, clock: FakeClock
) -> None:
    async with serving_installs(database_url, clock) as installs:
        team = Team(installs.slack.add_workspace("Acme"))
        location = installs.slack.authorize(team.workspace, team["fran"], state="made-up")
        forged = await installs.land(location, cookie="slack-app-oauth-state=made-up")
        assert forged.status == 401
        assert "p2p was not installed" in forged.text
        assert "expired or was used already" in forged.text
        no_cookie = await installs.land(location)
        assert no_cookie.status == 400
        assert "browser that began it" in no_cookie.text
        assert await installations_of(installs.p2p.database, team.workspace.team_id) == 0

        landing = await installs.install(team.workspace, team["fran"])
        assert landing.status == 200
        stored = await installations_of(installs.p2p.database, team.workspace.team_id)
        assert stored == 2, "one installation and its bot"

        # the same redirect again, cookie and all (a reload, or someone replaying it)
        again = await installs.land(landing.url, cookie=landing.cookie)
        assert again.status == 401
        assert "p2p was not installed" in again.text
        assert await installations_of(installs.p2p.database, team.workspace.team_id) == stored, (
            "nothing more stored"
        )
