"""Modals and the Home tab: trigger_ids, views.* errors, submissions and response_actions."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import ActionNotPossible, Sandbox
from tests.sandbox.conftest import MovableClock, Receiver, Reply

pytestmark = pytest.mark.asyncio


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(value: str) -> dict[str, Any]:
    return {"text": plain(value.title()), "value": value}


def workshop_modal(**fields: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "start_workshop",
        "title": plain("Start a workshop"),
        "submit": plain("Start"),
        "notify_on_close": True,
        "blocks": [
            {
                "type": "input",
                "block_id": "name",
                "label": plain("Product"),
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 80},
            },
            {
                "type": "input",
                "block_id": "role",
                "label": plain("Your role"),
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [option("developer"), option("tester")],
                },
            },
            {
                "type": "input",
                "block_id": "people",
                "optional": True,
                "label": plain("Who else"),
                "element": {"type": "multi_users_select", "action_id": "users"},
            },
        ],
    }
    view.update(fields)
    return view


async def trigger_for(sandbox: Sandbox, receiver: Receiver, user: str) -> str:
    await sandbox.slash_command(user, None, "/p2p", "start")
    return receiver.requests[-1].form["trigger_id"]


async def test_a_trigger_id_works_once(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    trigger_id = await trigger_for(sandbox, receiver, alice)

    opened = await client.views_open(trigger_id=trigger_id, view=workshop_modal())
    with pytest.raises(SlackApiError) as reused:
        await client.views_open(trigger_id=trigger_id, view=workshop_modal())

    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["callback_id"] == "start_workshop"
    assert opened["view"]["state"] == {"values": {}}
    assert reused.value.response["error"] == "exchanged_trigger_id"
    assert [v.id for v in sandbox.open_views(alice)] == [opened["view"]["id"]]


async def test_a_trigger_id_expires_after_three_seconds(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient, clock: MovableClock
) -> None:
    alice = sandbox.add_user("alice")
    fresh = await trigger_for(sandbox, receiver, alice)
    stale = await trigger_for(sandbox, receiver, alice)

    clock.advance(2.9)
    await client.views_open(trigger_id=fresh, view=workshop_modal())
    clock.advance(0.2)
    with pytest.raises(SlackApiError) as expired:
        await client.views_open(trigger_id=stale, view=workshop_modal())
    with pytest.raises(SlackApiError) as invented:
        await client.views_open(trigger_id="123.456.abcdef", view=workshop_modal())

    assert expired.value.response["error"] == "expired_trigger_id"
    assert invented.value.response["error"] == "invalid_trigger_id"


async def test_modal_title_over_24_is_refused(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    trigger_id = await trigger_for(sandbox, receiver, alice)

    with pytest.raises(SlackApiError) as refused:
        await client.views_open(
            trigger_id=trigger_id, view=workshop_modal(title=plain("A title that is too long!"))
        )

    assert refused.value.response["error"] == "invalid_arguments"
    assert refused.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert sandbox.open_views(alice) == []


async def test_view_too_large(sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice")
    trigger_id = await trigger_for(sandbox, receiver, alice)
    huge = workshop_modal(
        blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}} for _ in range(90)
        ]
    )

    with pytest.raises(SlackApiError) as refused:
        await client.views_open(trigger_id=trigger_id, view=huge)

    assert refused.value.response["error"] == "view_too_large"


async def test_update_push_and_their_errors(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    opened = await client.views_open(
        trigger_id=await trigger_for(sandbox, receiver, alice), view=workshop_modal()
    )
    view = opened["view"]

    updated = await client.views_update(
        view_id=view["id"], hash=view["hash"], view=workshop_modal(title=plain("Step 2"))
    )
    with pytest.raises(SlackApiError) as stale_hash:
        await client.views_update(view_id=view["id"], hash=view["hash"], view=workshop_modal())
    with pytest.raises(SlackApiError) as unknown:
        await client.views_update(view_id="V0NOPE", view=workshop_modal())
    for _ in range(2):
        await client.views_push(
            trigger_id=await trigger_for(sandbox, receiver, alice), view=workshop_modal()
        )
    with pytest.raises(SlackApiError) as too_deep:
        await client.views_push(
            trigger_id=await trigger_for(sandbox, receiver, alice), view=workshop_modal()
        )

    assert updated["view"]["id"] == view["id"]
    assert updated["view"]["hash"] != view["hash"]
    assert stale_hash.value.response["error"] == "hash_conflict"
    assert unknown.value.response["error"] == "not_found"
    assert too_deep.value.response["error"] == "push_limit_reached"
    stack = sandbox.open_views(alice)
    assert [v.title for v in stack] == ["Step 2", "Start a workshop", "Start a workshop"]
    assert stack[2].previous_view_id == stack[1].id
    assert stack[2].root_view_id == view["id"]


async def test_submission_errors_keep_the_modal_open(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    bob = sandbox.add_user("bob")
    await client.views_open(
        trigger_id=await trigger_for(sandbox, receiver, alice), view=workshop_modal()
    )
    receiver.reply = lambda request: Reply.json(
        {"response_action": "errors", "errors": {"name": "Give the product a longer name"}}
    )

    delivery = await sandbox.submit_view(
        alice, {"name": {"value": "X"}, "role": "tester", "people": {"users": [bob]}}
    )

    payload = receiver.requests[-1].payload
    assert payload["type"] == "view_submission"
    assert payload["user"]["id"] == alice
    assert payload["trigger_id"]
    assert payload["view"]["state"]["values"] == {
        "name": {"value": {"type": "plain_text_input", "value": "X"}},
        "role": {
            "pick": {
                "type": "static_select",
                "selected_option": {"text": plain("Tester"), "value": "tester"},
            }
        },
        "people": {"users": {"type": "multi_users_select", "selected_users": [bob]}},
    }
    assert delivery.ok
    assert sandbox.view_errors(alice) == {"name": "Give the product a longer name"}
    assert len(sandbox.open_views(alice)) == 1

    receiver.reply = lambda request: Reply()
    await sandbox.submit_view(alice, {"name": "Checkout", "role": "developer"})

    assert sandbox.open_views(alice) == []
    assert sandbox.view_errors(alice) == {}


async def test_response_actions_update_push_clear(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    await client.views_open(
        trigger_id=await trigger_for(sandbox, receiver, alice), view=workshop_modal()
    )
    answers = {"name": "Checkout", "role": "developer"}

    receiver.reply = lambda request: Reply.json(
        {"response_action": "update", "view": workshop_modal(title=plain("Updated"))}
    )
    await sandbox.submit_view(alice, answers)
    updated_titles = [v.title for v in sandbox.open_views(alice)]
    receiver.reply = lambda request: Reply.json(
        {"response_action": "push", "view": workshop_modal(title=plain("Pushed"))}
    )
    await sandbox.submit_view(alice, answers)
    pushed_titles = [v.title for v in sandbox.open_views(alice)]
    receiver.reply = lambda request: Reply.json({"response_action": "clear"})
    await sandbox.submit_view(alice, answers)

    assert updated_titles == ["Updated"]
    assert pushed_titles == ["Updated", "Pushed"]
    assert sandbox.open_views(alice) == []


async def test_the_client_refuses_to_submit_without_required_fields(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    await client.views_open(
        trigger_id=await trigger_for(sandbox, receiver, alice), view=workshop_modal()
    )
    sent = len(receiver.requests)

    with pytest.raises(ActionNotPossible, match="'role' is required"):
        await sandbox.submit_view(alice, {"name": "Checkout"})
    with pytest.raises(ActionNotPossible, match="no option 'manager'"):
        await sandbox.submit_view(alice, {"name": "Checkout", "role": "manager"})

    assert len(receiver.requests) == sent


async def test_closing_a_modal_sends_view_closed(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    await client.views_open(
        trigger_id=await trigger_for(sandbox, receiver, alice), view=workshop_modal()
    )

    delivery = await sandbox.close_view(alice)

    assert delivery is not None
    payload = receiver.requests[-1].payload
    assert payload["type"] == "view_closed"
    assert payload["view"]["callback_id"] == "start_workshop"
    assert payload["is_cleared"] is False
    assert sandbox.open_views(alice) == []


async def test_clicking_inside_a_modal(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    view = workshop_modal()
    view["blocks"].append(
        {
            "type": "actions",
            "block_id": "more",
            "elements": [
                {
                    "type": "button",
                    "action_id": "add_step",
                    "text": plain("Add a step"),
                    "value": "step",
                }
            ],
        }
    )
    opened = await client.views_open(
        trigger_id=await trigger_for(sandbox, receiver, alice), view=view
    )

    await sandbox.click(alice, "add_step")

    payload = receiver.requests[-1].payload
    assert payload["type"] == "block_actions"
    assert payload["container"] == {"type": "view", "view_id": opened["view"]["id"]}
    assert payload["view"]["id"] == opened["view"]["id"]
    assert "response_url" not in payload
    [action] = payload["actions"]
    assert action["action_id"] == "add_step"
    assert action["block_id"] == "more"
    assert action["value"] == "step"
    assert action["type"] == "button"
    assert action["action_ts"]


async def test_home_tab(sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice")
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Your workshops*"}}],
    }

    first = await sandbox.open_home(alice)
    published = await client.views_publish(user_id=alice, view=home)
    with pytest.raises(SlackApiError) as stale:
        await client.views_publish(user_id=alice, view=home, hash="1.stale")
    second = await sandbox.open_home(alice)

    assert first.payload["event"]["type"] == "app_home_opened"
    assert first.payload["event"]["tab"] == "home"
    assert first.payload["event"]["channel"] == sandbox.dm_channel(alice)
    assert "view" not in first.payload["event"]
    assert second.payload["event"]["view"]["id"] == published["view"]["id"]
    assert stale.value.response["error"] == "hash_conflict"
    home_view = sandbox.home_view(alice)
    assert home_view is not None
    assert sandbox.render({"blocks": home_view.blocks}) == "*Your workshops*"
