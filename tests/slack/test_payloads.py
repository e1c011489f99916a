"""Slack's payloads, in the shapes Slack sends them, read into typed values."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.slack.payloads import (
    AppRemoved,
    BlockAction,
    Delivery,
    DirectMessage,
    HomeOpened,
    MessageChange,
    OpenedView,
    SlashCommand,
    UserChange,
    ViewSubmission,
    team_of,
)

TEAM, USER, CHANNEL, DM = "T0001", "U0FRAN", "C0PATH", "D0FRAN"
TRIGGER = "1733212800.1.5e1a8f6c"
RESPONSE_URL = "https://hooks.slack.com/actions/T0001/1/abc"


def slash_command(text: str = "start Checkout", channel: str = CHANNEL) -> dict[str, Any]:
    return {
        "token": "verification",
        "team_id": TEAM,
        "team_domain": "p2p-sandbox",
        "channel_id": channel,
        "channel_name": "path",
        "user_id": USER,
        "user_name": "fran",
        "command": "/p2p",
        "text": text,
        "api_app_id": "A0P2P",
        "is_enterprise_install": "false",
        "response_url": RESPONSE_URL,
        "trigger_id": TRIGGER,
    }


def block_actions(action: dict[str, Any], *, channel: str | None = DM) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": USER, "username": "fran", "name": "fran", "team_id": TEAM},
        "api_app_id": "A0P2P",
        "token": "verification",
        "team": {"id": TEAM, "domain": "p2p-sandbox"},
        "enterprise": None,
        "is_enterprise_install": False,
        "trigger_id": TRIGGER,
        "actions": [action],
    }
    if channel is None:  # a button on the Home tab
        payload["container"] = {"type": "view", "view_id": "V0HOME"}
        payload["view"] = {"id": "V0HOME", "type": "home"}
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": "1733212800.000100",
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel, "name": "directmessage"}
        payload["message"] = {"type": "message", "ts": "1733212800.000100", "text": "…"}
        payload["state"] = {"values": {}}
        payload["response_url"] = RESPONSE_URL
    return payload


BUTTON = {
    "type": "button",
    "action_id": "quick_answer:1",
    "block_id": "quick_answers",
    "text": {"type": "plain_text", "text": "Skip", "emoji": True},
    "value": '{"interview_id":7,"question_key":"Idea.needs","text":"skip"}',
    "action_ts": "1733212801.000200",
}
MENU = {
    "type": "static_select",
    "action_id": "quick_answer_pick",
    "block_id": "quick_answers",
    "selected_option": {
        "text": {"type": "plain_text", "text": "2-3 days"},
        "value": '{"interview_id":7,"question_key":"Idea.wait","text":"2-3 days"}',
    },
    "placeholder": {"type": "plain_text", "text": "Pick a duration"},
    "action_ts": "1733212802.000300",
}
DATE = {
    "type": "datepicker",
    "action_id": "nudge_away",
    "block_id": "nudge_actions",
    "selected_date": "2026-11-10",
    "initial_date": None,
    "action_ts": "1733212803.000400",
}
CLEARED_DATE = {**DATE, "selected_date": None}
HOME_BUTTON = {
    "type": "button",
    "action_id": "home_close",
    "block_id": "run:3",
    "value": CHANNEL,
    "action_ts": "1733212804.000500",
}


def view_submission() -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "p2p-sandbox"},
        "user": {"id": USER, "username": "fran", "name": "fran", "team_id": TEAM},
        "api_app_id": "A0P2P",
        "token": "verification",
        "trigger_id": TRIGGER,
        "view": {
            "id": "V0SETUP",
            "team_id": TEAM,
            "type": "modal",
            "callback_id": "start_workshop",
            "private_metadata": '{"team_id":"T0001","channel_id":"C0PATH"}',
            "hash": "1733212805.abcd",
            "blocks": [
                {"type": "section", "block_id": "a1B", "text": {"type": "mrkdwn", "text": "…"}},
                {"type": "input", "block_id": "title", "element": {"action_id": "value"}},
                {"type": "input", "block_id": "role:product", "element": {"action_id": "value"}},
            ],
            "state": {
                "values": {
                    "title": {"value": {"type": "plain_text_input", "value": "Checkout"}},
                    "role:product": {
                        "value": {"type": "multi_users_select", "selected_users": ["U0PRIYA"]}
                    },
                }
            },
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def event_callback(event: dict[str, Any], *, team_id: str | None = TEAM) -> dict[str, Any]:
    body: dict[str, Any] = {
        "token": "verification",
        "api_app_id": "A0P2P",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev0EXAMPLE1",
        "event_time": 1733212806,
        "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
    }
    if team_id is not None:
        body["team_id"] = team_id
    return body


def dm_event(**changes: Any) -> dict[str, Any]:
    event = {
        "type": "message",
        "user": USER,
        "text": "&lt;2 days &amp; waiting&gt;",
        "ts": "1733212807.000600",
        "team": TEAM,
        "channel": DM,
        "event_ts": "1733212807.000600",
        "channel_type": "im",
    }
    event.update(changes)
    return {key: value for key, value in event.items() if value is not None}


@pytest.mark.parametrize(
    ("body", "team"),
    [
        ({"team": {"id": "T1", "domain": "x"}, "team_id": "T2"}, "T1"),  # an interaction
        ({"team_id": "T2", "event": {"team": "T3"}}, "T2"),  # the Events API envelope
        ({"event": {"team": "T3"}}, "T3"),  # only the event says
        ({"team": None, "team_id": "T2"}, "T2"),
        ({}, ""),
    ],
)
def test_the_team_is_found_wherever_slack_put_it(body: dict[str, Any], team: str) -> None:
    assert team_of(body) == team


def test_a_slash_command() -> None:
    command = SlashCommand.parse(slash_command("start Checkout"))
    assert command == SlashCommand(
        team_id=TEAM,
        user_id=USER,
        channel_id=CHANNEL,
        response_url=RESPONSE_URL,
        text="start Checkout",
        trigger_id=TRIGGER,
        delivery_key=f"command:{TEAM}:{USER}:{TRIGGER}",
    )
    assert not command.in_dm
    assert SlashCommand.parse(slash_command(channel=DM)).in_dm


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            block_actions(BUTTON),
            {
                "channel_id": DM,
                "action_id": "quick_answer:1",
                "action_type": "button",
                "value": BUTTON["value"],
                "selected_date": None,
                "response_url": RESPONSE_URL,
                "delivery_key": f"action:{TEAM}:{USER}:quick_answer:1:1733212801.000200",
            },
        ),
        (
            block_actions(MENU),
            {
                "action_id": "quick_answer_pick",
                "value": MENU["selected_option"]["value"],
                "delivery_key": f"action:{TEAM}:{USER}:quick_answer_pick:1733212802.000300",
            },
        ),
        (
            block_actions(DATE),
            {
                "action_type": "datepicker",
                "value": "",
                "selected_date": date(2026, 11, 10),
                "delivery_key": f"action:{TEAM}:{USER}:nudge_away:1733212803.000400",
            },
        ),
        (block_actions(CLEARED_DATE), {"selected_date": None}),
        (block_actions({**DATE, "selected_date": "next week"}), {"selected_date": None}),
        (
            block_actions(HOME_BUTTON, channel=None),
            {"channel_id": "", "response_url": "", "value": CHANNEL, "action_id": "home_close"},
        ),
    ],
)
def test_a_block_action(body: dict[str, Any], expected: dict[str, Any]) -> None:
    click = BlockAction.parse(body)
    assert (click.team_id, click.user_id, click.trigger_id) == (TEAM, USER, TRIGGER)
    assert {field: getattr(click, field) for field in expected} == expected


def test_a_block_action_with_no_action_is_still_read() -> None:
    click = BlockAction.parse({**block_actions(BUTTON), "actions": []})
    assert (click.user_id, click.action_id, click.value) == (USER, "", "")


def test_a_view_submission() -> None:
    submission = ViewSubmission.parse(view_submission())
    assert (submission.team_id, submission.user_id, submission.channel_id) == (TEAM, USER, "")
    assert submission.view_id == "V0SETUP"
    assert submission.callback_id == "start_workshop"
    assert submission.private_metadata == '{"team_id":"T0001","channel_id":"C0PATH"}'
    assert submission.values["title"]["value"]["value"] == "Checkout"
    assert submission.input_blocks == {"title", "role:product"}
    assert submission.delivery_key == f"action:{TEAM}:{USER}:view:V0SETUP"
    assert submission.view_key == "view:V0SETUP"
    assert not submission.response_url


@pytest.mark.parametrize(
    ("body", "typed_by_a_person"),
    [
        (event_callback(dm_event()), True),
        (event_callback(dm_event(channel_type="channel", channel=CHANNEL)), False),
        (event_callback(dm_event(bot_id="B0P2P", user=None)), False),
        (event_callback(dm_event(bot_id="B0OTHER")), False),
        (event_callback(dm_event(subtype="message_changed", user=None)), False),
        (event_callback(dm_event(subtype="message_deleted")), False),
        (event_callback(dm_event(subtype="file_share")), True),
    ],
)
def test_which_messages_are_answers(body: dict[str, Any], typed_by_a_person: bool) -> None:
    assert DirectMessage.parse(body).typed_by_a_person is typed_by_a_person


def test_a_direct_message_is_read_as_typed() -> None:
    message = DirectMessage.parse(event_callback(dm_event()))
    assert (message.team_id, message.user_id, message.channel_id) == (TEAM, USER, DM)
    assert message.text == "<2 days & waiting>"
    assert message.ts == "1733212807.000600"
    assert message.delivery_key == f"message:{TEAM}:{USER}:1733212807.000600"
    assert message.in_dm


def test_a_direct_message_takes_its_team_from_the_event_when_the_envelope_has_none() -> None:
    message = DirectMessage.parse(event_callback(dm_event(team="T0OTHER"), team_id=None))
    assert message.team_id == "T0OTHER"
    assert message.delivery_key == f"message:T0OTHER:{USER}:1733212807.000600"


@pytest.mark.parametrize(
    ("event", "stops_the_bot"),
    [
        ({"type": "app_uninstalled"}, True),
        ({"type": "tokens_revoked", "tokens": {"oauth": ["U0FRAN"], "bot": ["U0BOT"]}}, True),
        ({"type": "tokens_revoked", "tokens": {"oauth": ["U0FRAN"]}}, False),
        ({"type": "tokens_revoked", "tokens": {"oauth": ["U0FRAN"], "bot": []}}, False),
    ],
)
def test_when_the_app_is_removed(event: dict[str, Any], stops_the_bot: bool) -> None:
    removed = AppRemoved.parse(event_callback(event))
    assert removed.team_id == TEAM
    assert removed.stops_the_bot is stops_the_bot


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            event_callback({"type": "user_change", "user": {"id": "U0PRIYA", "deleted": True}}),
            (TEAM, "U0PRIYA", True),
        ),
        (
            event_callback(
                {"type": "user_change", "user": {"id": "U0PRIYA", "team_id": "T9"}},
                team_id=None,
            ),
            ("T9", "U0PRIYA", False),
        ),
    ],
)
def test_a_user_change(body: dict[str, Any], expected: tuple[str, str, bool]) -> None:
    change = UserChange.parse(body)
    assert (change.team_id, change.user_id, change.deleted) == expected


@pytest.mark.parametrize(
    ("tab", "expected"), [("home", "home"), ("messages", "messages"), (None, "home")]
)
def test_the_home_tab_opened(tab: str | None, expected: str) -> None:
    event = {"type": "app_home_opened", "user": USER, "channel": DM, "tab": tab}
    opened = HomeOpened.parse(event_callback(event))
    assert (opened.team_id, opened.user_id, opened.tab) == (TEAM, USER, expected)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (slash_command(), Delivery(team_id=TEAM, user_id=USER, channel_id=CHANNEL,
                                   response_url=RESPONSE_URL)),
        (block_actions(BUTTON), Delivery(team_id=TEAM, user_id=USER, channel_id=DM,
                                         response_url=RESPONSE_URL)),
        (view_submission(), Delivery(team_id=TEAM, user_id=USER)),
        (event_callback(dm_event()), Delivery(team_id=TEAM, user_id=USER, channel_id=DM,
                                              channel_type="im")),
        # user_change names the person in a whole profile: nobody acted, nobody to tell
        (event_callback({"type": "user_change", "user": {"id": "U0PRIYA"}}),
         Delivery(team_id=TEAM)),
        ({"team": "not a mapping", "user": ["odd"], "event": None}, Delivery()),
    ],
)  # fmt: skip
def test_any_payload_says_who_to_tell_about_an_error(
    body: dict[str, Any], expected: Delivery
) -> None:
    assert Delivery.parse(body) == expected


def test_an_opened_view_is_read_from_views_open() -> None:
    response = {"ok": True, "view": {"id": "V0SETUP", "hash": "1733212805.abcd", "type": "modal"}}
    assert OpenedView.parse(response) == OpenedView(view_id="V0SETUP", hash="1733212805.abcd")
    assert OpenedView.parse(b"not json") == OpenedView(view_id="", hash="")


EDITED_AT = "1733212901.000100"


def changed_event(**changes: Any) -> dict[str, Any]:
    """A person's edit of their DM message, as Slack sends it: the event names nobody."""
    before = {k: v for k, v in dm_event().items() if k not in ("channel", "event_ts")}
    after = {**before, "text": "3 weeks &amp; more", "edited": {"user": USER, "ts": EDITED_AT}}
    event = {
        "type": "message",
        "subtype": "message_changed",
        "message": {**after, **changes},
        "previous_message": before,
        "channel": DM,
        "hidden": True,
        "ts": EDITED_AT,
        "event_ts": EDITED_AT,
        "channel_type": "im",
    }
    return event


def deleted_event() -> dict[str, Any]:
    before = {k: v for k, v in dm_event().items() if k not in ("channel", "event_ts")}
    return {
        "type": "message",
        "subtype": "message_deleted",
        "previous_message": before,
        "channel": DM,
        "hidden": True,
        "ts": EDITED_AT,
        "deleted_ts": before["ts"],
        "event_ts": EDITED_AT,
        "channel_type": "im",
    }


def test_an_edit_names_the_message_its_author_and_the_new_text() -> None:
    change = MessageChange.parse(event_callback(changed_event()))
    assert (change.team_id, change.user_id, change.channel_id) == (TEAM, USER, DM)
    assert change.ts == "1733212807.000600", "the message's own ts, not the edit's"
    assert change.new_text == "3 weeks & more"
    assert change.edited_by_its_author
    assert change.delivery_key == f"edit:{TEAM}:{USER}:1733212807.000600:{EDITED_AT}"


def test_a_deletion_names_the_message_and_its_author() -> None:
    change = MessageChange.parse(event_callback(deleted_event()))
    assert (change.user_id, change.ts) == (USER, "1733212807.000600")
    assert change.deleted
    assert change.new_text is None
    assert change.edited_by_its_author
    assert change.delivery_key == f"delete:{TEAM}:{USER}:1733212807.000600"


@pytest.mark.parametrize(
    "event",
    [
        changed_event(edited=None),  # an unfurl or a thread's reply count, not an edit
        changed_event(bot_id="B0P2P", user=None),  # the bot's own message updated
        changed_event(edited={"user": "U0ADMIN", "ts": EDITED_AT}),
        {**changed_event(), "channel_type": "channel", "channel": CHANNEL},
        {**deleted_event(), "previous_message": {"bot_id": "B0P2P", "ts": "1.1"}},
        {**deleted_event(), "previous_message": None},
    ],
    ids=["no edit mark", "bot message", "edited by another", "channel", "bot deleted", "none"],
)
def test_changes_that_are_not_a_person_editing_their_dm(event: dict[str, Any]) -> None:
    cleaned = {k: v for k, v in event.items() if v is not None}
    if isinstance(cleaned.get("message"), dict):
        cleaned["message"] = {k: v for k, v in cleaned["message"].items() if v is not None}
    assert not MessageChange.parse(event_callback(cleaned)).edited_by_its_author
