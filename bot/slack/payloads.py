"""Typed values parsed once from Slack's payloads: who acted, where, what they did, and
the key that names this one delivery (Slack retries a delivery it thinks went unanswered,
and a person may click twice; the use cases claim each key once).

Each shape has one parser, and no parser fails: a field Slack left out is read as empty,
so a listener can always say what went wrong to whoever acted. Slack puts the team in
different places: ``team.id`` in interactions, ``team_id`` in slash commands and the
Events API envelope, ``team`` in an event itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Self

from pydantic import Field

from bot.workshop.core.model import Frozen

Payload = Mapping[str, Any]

# Message subtypes that change or delete a message sent before.
CHANGE_SUBTYPES = frozenset({"message_changed", "message_deleted"})
# Message subtypes that are not somebody typing an answer.
IGNORED_SUBTYPES = CHANGE_SUBTYPES | {"bot_message", "channel_join", "message_replied"}


def _mapping(value: object) -> Payload:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def team_of(body: Payload) -> str:
    """The workspace a payload comes from, wherever Slack put it."""
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id"):
        return str(team["id"])
    event = _mapping(body.get("event"))
    return str(body.get("team_id") or event.get("team") or "")


def enterprise_of(body: Payload) -> str | None:
    """The Enterprise Grid org a payload comes from, when its workspace is in one."""
    enterprise = body.get("enterprise")
    if isinstance(enterprise, Mapping) and enterprise.get("id"):
        return str(enterprise["id"])
    team = _mapping(body.get("team"))
    found = body.get("enterprise_id") or team.get("enterprise_id")
    if not found:
        authorizations = body.get("authorizations")
        if isinstance(authorizations, list) and authorizations:
            found = _mapping(authorizations[0]).get("enterprise_id")
    return str(found) if found else None


def unescape_message_text(text: str) -> str:
    """Slack escapes &, < and > in what people type; keep what they actually typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class Delivery(Frozen):
    """One payload from Slack: who acted, where, and the key naming this delivery."""

    team_id: str = ""
    enterprise_id: str | None = None  # the Enterprise Grid org, when the team is in one
    user_id: str = ""
    channel_id: str = ""  # empty for a form submission or the Home tab
    channel_type: str = ""  # an event's channel type: "im" for the bot's DMs
    response_url: str = ""  # where a reply only they see can go, when Slack gave one
    delivery_key: str = ""

    @property
    def in_dm(self) -> bool:
        return self.channel_type == "im" or self.channel_id.startswith("D")

    @classmethod
    def parse(cls, body: Payload) -> Delivery:
        """Any payload, read as far as its envelope goes; never fails."""
        return Delivery(**_envelope(body), enterprise_id=enterprise_of(body))


def _envelope(body: Payload) -> dict[str, str]:
    event = _mapping(body.get("event"))
    user = body.get("user_id") or _mapping(body.get("user")).get("id") or event.get("user")
    channel = (
        body.get("channel_id") or _mapping(body.get("channel")).get("id") or event.get("channel")
    )
    return {
        "team_id": team_of(body),
        "user_id": _text(user),
        "channel_id": _text(channel),
        "channel_type": _text(event.get("channel_type")),
        "response_url": _text(body.get("response_url")),
    }


class SlashCommand(Delivery):
    """/p2p and what was typed after it."""

    text: str = ""
    trigger_id: str = ""

    @classmethod
    def parse(cls, body: Payload) -> Self:
        envelope = _envelope(body)
        trigger_id = _text(body.get("trigger_id"))
        return cls(
            **envelope,
            enterprise_id=enterprise_of(body),
            text=_text(body.get("text")),
            trigger_id=trigger_id,
            delivery_key=f"command:{envelope['team_id']}:{envelope['user_id']}:{trigger_id}",
        )


class BlockAction(Delivery):
    """A click on a button, a pick from a menu or a date, in a message or a view."""

    action_id: str
    action_type: str = ""
    action_ts: str = ""
    value: str = ""  # a button's value, or the value of the option picked
    selected_date: date | None = None
    trigger_id: str = ""

    @classmethod
    def parse(cls, body: Payload) -> Self:
        envelope = _envelope(body)
        actions = body.get("actions")
        action = _mapping(actions[0]) if isinstance(actions, list) and actions else {}
        action_id, action_ts = _text(action.get("action_id")), _text(action.get("action_ts"))
        value = action.get("value") or _mapping(action.get("selected_option")).get("value")
        return cls(
            **envelope,
            enterprise_id=enterprise_of(body),
            action_id=action_id,
            action_type=_text(action.get("type")),
            action_ts=action_ts,
            value=_text(value),
            selected_date=_date(action.get("selected_date")),
            trigger_id=_text(body.get("trigger_id")),
            delivery_key=(
                f"action:{envelope['team_id']}:{envelope['user_id']}:{action_id}:{action_ts}"
            ),
        )


class ViewSubmission(Delivery):
    """A submitted modal: its callback, the state it carries and what was typed in it."""

    view_id: str
    callback_id: str = ""
    private_metadata: str = ""
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)  # block → action → state
    input_blocks: frozenset[str] = frozenset()

    @property
    def view_key(self) -> str:
        """The key a colleague's answer to a handed-on question is claimed under."""
        return f"view:{self.view_id}"

    @classmethod
    def parse(cls, body: Payload) -> Self:
        envelope = _envelope(body)
        view = _mapping(body.get("view"))
        view_id = _text(view.get("id"))
        values = _mapping(_mapping(view.get("state")).get("values"))
        blocks = view.get("blocks") or []
        return cls(
            **envelope,
            enterprise_id=enterprise_of(body),
            view_id=view_id,
            callback_id=_text(view.get("callback_id")),
            private_metadata=_text(view.get("private_metadata")),
            values={str(block): dict(_mapping(entry)) for block, entry in values.items()},
            input_blocks=frozenset(
                str(b.get("block_id"))
                for b in blocks
                if isinstance(b, Mapping) and b.get("type") == "input" and b.get("block_id")
            ),
            delivery_key=f"action:{envelope['team_id']}:{envelope['user_id']}:view:{view_id}",
        )


class OpenedView(Frozen):
    """A modal just opened (views.open's answer): enough to change it in place."""

    view_id: str
    hash: str

    @classmethod
    def parse(cls, response: object) -> Self:
        view = _mapping(_mapping(response).get("view"))
        return cls(view_id=_text(view.get("id")), hash=_text(view.get("hash")))


class DirectMessage(Delivery):
    """A ``message`` event; an answer when a person typed it in their DM with the bot."""

    text: str = ""  # as typed: Slack's escaping undone
    ts: str = ""
    subtype: str = ""
    bot_id: str = ""

    @property
    def typed_by_a_person(self) -> bool:
        return (
            self.channel_type == "im"
            and not self.bot_id
            and self.subtype not in IGNORED_SUBTYPES
            and bool(self.user_id)
        )

    @classmethod
    def parse(cls, body: Payload) -> Self:
        envelope = _envelope(body)
        event = _mapping(body.get("event"))
        ts = _text(event.get("ts"))
        return cls(
            **envelope,
            enterprise_id=enterprise_of(body),
            text=unescape_message_text(_text(event.get("text"))),
            ts=ts,
            subtype=_text(event.get("subtype")),
            bot_id=_text(event.get("bot_id")),
            delivery_key=f"message:{envelope['team_id']}:{envelope['user_id']}:{ts}",
        )


class MessageChange(Delivery):
    """``message_changed`` or ``message_deleted``: a message in a conversation was edited
    or deleted. The event itself names nobody: who sent the message is in ``message``
    (as it is now) or ``previous_message`` (as it was); ``ts`` is the message's own."""

    ts: str = ""
    deleted: bool = False
    text: str = ""  # after an edit, as typed: Slack's escaping undone
    edited_by: str = ""  # Slack marks an edit by a person; an unfurl or a reply count is none
    bot_id: str = ""

    @property
    def edited_by_its_author(self) -> bool:
        """A person edited or deleted a message they had sent in their DM with the bot."""
        return (
            self.channel_type == "im"
            and not self.bot_id
            and bool(self.user_id and self.ts)
            and (self.deleted or self.edited_by == self.user_id)
        )

    @property
    def new_text(self) -> str | None:
        """What the message says now; None when it was deleted."""
        return None if self.deleted else self.text

    @staticmethod
    def describes(body: Payload) -> bool:
        """Whether a ``message`` event is an edit or a deletion (else a message sent)."""
        return _mapping(body.get("event")).get("subtype") in CHANGE_SUBTYPES

    @classmethod
    def parse(cls, body: Payload) -> Self:
        envelope = _envelope(body)
        event = _mapping(body.get("event"))
        deleted = event.get("subtype") == "message_deleted"
        message = _mapping(event.get("previous_message" if deleted else "message"))
        ts = _text(event.get("deleted_ts") if deleted else message.get("ts"))
        user = _text(message.get("user"))
        edited_at = _text(_mapping(message.get("edited")).get("ts"))
        team = envelope["team_id"]
        change = f"delete:{team}:{user}:{ts}" if deleted else f"edit:{team}:{user}:{ts}:{edited_at}"
        return cls(
            **{**envelope, "user_id": user},
            ts=ts,
            deleted=deleted,
            text="" if deleted else unescape_message_text(_text(message.get("text"))),
            edited_by=_text(_mapping(message.get("edited")).get("user")),
            bot_id=_text(message.get("bot_id")),
            delivery_key=change,
        )


def _event_key(body: Payload, team_id: str) -> str:
    return f"event:{team_id}:{_text(body.get('event_id'))}"


class HomeOpened(Delivery):
    """``app_home_opened``: somebody opened one of the app's tabs."""

    tab: str = "home"

    @classmethod
    def parse(cls, body: Payload) -> Self:
        envelope = _envelope(body)
        event = _mapping(body.get("event"))
        return cls(
            **envelope,
            enterprise_id=enterprise_of(body),
            tab=_text(event.get("tab")) or "home",
            delivery_key=_event_key(body, envelope["team_id"]),
        )


class AppRemoved(Delivery):
    """``app_uninstalled``, or ``tokens_revoked``: the bot may no longer be able to act."""

    event_type: str
    bot_tokens_revoked: bool = False
    is_enterprise_install: bool = False  # removed from a whole Enterprise Grid org

    @property
    def stops_the_bot(self) -> bool:
        """Uninstalled, or the bot's token revoked; user tokens alone leave the bot working."""
        return self.event_type != "tokens_revoked" or self.bot_tokens_revoked

    @classmethod
    def parse(cls, body: Payload) -> Self:
        envelope = _envelope(body)
        event = _mapping(body.get("event"))
        tokens = _mapping(event.get("tokens"))
        return cls(
            **envelope,
            enterprise_id=enterprise_of(body),
            event_type=_text(event.get("type")),
            bot_tokens_revoked=bool(tokens.get("bot")),
            is_enterprise_install=body.get("is_enterprise_install") is True,
            delivery_key=_event_key(body, envelope["team_id"]),
        )


class UserChange(Delivery):
    """``user_change``: a member's profile or status changed; ``user_id`` is theirs."""

    deleted: bool = False

    @classmethod
    def parse(cls, body: Payload) -> Self:
        event = _mapping(body.get("event"))
        user = _mapping(event.get("user"))
        team_id = str(body.get("team_id") or user.get("team_id") or "")
        return cls(
            team_id=team_id,
            user_id=_text(user.get("id")),
            deleted=bool(user.get("deleted")),
            delivery_key=_event_key(body, team_id),
        )
