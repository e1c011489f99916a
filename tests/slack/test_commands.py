"""/p2p: every sub-command has its handler, and the set-up form opens before any lookup
that could outlast the trigger_id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.rendering import Renderer
from bot.sandbox.blockkit import view_problems
from bot.slack.blocks.setup_form import build_start_refused
from bot.slack.ids import CallbackId, Subcommand
from bot.slack.listeners.commands import COMMANDS, CommandRun, run_p2p_command
from bot.slack.payloads import SlashCommand
from bot.workshop.bootstrap import Services, bootstrap, dependencies
from bot.workshop.core.errors import BotNotInChannel
from bot.workshop.core.planning import RoleRequest, StartRequest
from storage.db import Database
from tests.fakes import FakeClock, FakeDirectory, FakeMessenger

TEAM, CHANNEL, FACILITATOR = "T1", "C1", "UFAC"


@dataclass
class Response:
    data: dict[str, Any]


@dataclass
class RecordingClient:
    """The Web API calls made, in order, beside the lookups the domain made."""

    calls: list[str]
    views: list[dict[str, Any]] = field(default_factory=list)
    form_closed: bool = False

    async def views_open(self, *, trigger_id: str, view: dict[str, Any]) -> Response:
        self.calls.append("views.open")
        self.views.append(view)
        return Response({"ok": True, "view": {**view, "id": "V1", "hash": "h1"}})

    async def views_update(self, *, view_id: str, hash: str, view: dict[str, Any]) -> Response:
        self.calls.append(f"views.update {view_id} {hash}")
        if self.form_closed:
            raise SlackApiError("not_found", {"ok": False, "error": "not_found"})
        self.views[-1] = view
        return Response({"ok": True, "view": {**view, "id": view_id, "hash": "h2"}})


@dataclass
class RecordingMessenger(FakeMessenger):
    calls: list[str] = field(default_factory=list)

    async def can_post_in(self, channel_id: str) -> bool:
        self.calls.append("conversations.info")
        return await super().can_post_in(channel_id)


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def messenger(calls: list[str]) -> RecordingMessenger:
    return RecordingMessenger(calls=calls)


@pytest.fixture
def services(database: Database, messenger: RecordingMessenger) -> Services:
    deps = dependencies(database, messenger, clock=FakeClock(), directory=FakeDirectory())
    return bootstrap(deps)


def typed(text: str, channel: str = CHANNEL) -> SlashCommand:
    return SlashCommand(
        team_id=TEAM, user_id=FACILITATOR, channel_id=channel, text=text, trigger_id="1.2.3"
    )


def form_text(view: dict[str, Any]) -> str:
    return " ".join(block["text"]["text"] for block in view["blocks"] if block.get("text"))


def test_every_subcommand_has_a_handler() -> None:
    assert set(COMMANDS) == set(Subcommand)


async def test_the_form_opens_first_and_stays_when_the_workshop_can_start(
    services: Services, calls: list[str]
) -> None:
    client = RecordingClient(calls)
    reply = await run_p2p_command(CommandRun(typed("start"), services, Renderer(), client))
    assert reply is None
    assert calls == ["views.open", "conversations.info"]
    assert client.views[-1]["callback_id"] == CallbackId.START_WORKSHOP


async def test_the_form_says_why_when_the_bot_is_not_in_the_channel(
    services: Services, calls: list[str]
) -> None:
    client = RecordingClient(calls)
    await run_p2p_command(CommandRun(typed("start", "C9"), services, Renderer(), client))
    assert calls == ["views.open", "conversations.info", "views.update V1 h1"]
    refused = client.views[-1]
    assert "I'm not a member of this channel yet" in form_text(refused)
    assert "submit" not in refused


async def test_the_form_says_why_when_a_workshop_is_already_running(
    services: Services, calls: list[str]
) -> None:
    await services.starter.start_workshop(
        StartRequest(
            team_id=TEAM,
            channel_id=CHANNEL,
            user_id=FACILITATOR,
            title="First",
            roles=(RoleRequest(word="product", user_ids=("UPO",)),),
        )
    )
    calls.clear()
    client = RecordingClient(calls)
    await run_p2p_command(CommandRun(typed("start Second"), services, Renderer(), client))
    assert calls[0] == "views.open"
    assert "already running" in form_text(client.views[-1])
    assert "First" in form_text(client.views[-1])


async def test_a_refusal_the_closed_form_cannot_show_is_raised_to_be_said_where_they_typed(
    services: Services, calls: list[str]
) -> None:
    client = RecordingClient(calls, form_closed=True)
    with pytest.raises(BotNotInChannel):
        await run_p2p_command(CommandRun(typed("start", "C9"), services, Renderer(), client))


def test_the_refused_form_is_a_valid_modal_with_nothing_to_submit() -> None:
    renderer = Renderer()
    text = renderer.message("errors.already_active", title="First")
    view = build_start_refused(text, renderer)
    assert view_problems(view, kinds=("modal",)) == []
    assert "submit" not in view
    assert form_text(view) == text
