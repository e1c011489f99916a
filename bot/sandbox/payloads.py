"""Slack's request payloads, in their real shapes: slash commands, interactions, events."""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
from collections.abc import Callable

from bot.sandbox.errors import ActionNotPossible
from bot.sandbox.methods_chat import bot_message_api, bot_profile
from bot.sandbox.records import ResponseSource, ResponseUrl, Trigger
from bot.sandbox.state import Conversation, Ephemeral, JsonDict, Message, View
from bot.sandbox.workspace import Workspace

_EVENT_ID_ALPHABET = string.ascii_uppercase + string.digits
_SPECIAL_MENTIONS = {"here", "channel", "everyone"}
_MARKUP = re.compile(r"<(?:[@#][UWCGD][A-Z0-9]+|![\w^]+|(?:https?|mailto):[^<>\s]+)(?:\|[^<>]*)?>")
_MENTION = re.compile(r"(?<![\w<|@#&])([@#])([A-Za-z0-9][A-Za-z0-9._-]*)")


def escape_control_characters(text: str) -> str:
    """Slack's escaping of ``&``, ``<`` and ``>`` (``&`` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link_mentions(text: str, workspace: Workspace) -> str:
    """What Slack sends for typed text with escaping on: ``@name`` → ``<@U123|name>``,
    ``#channel`` → ``<#C123|channel>``, ``@here`` → ``<!here>``; other ``&``, ``<``, ``>``
    are escaped. Slack markup already in the text (``<@U123>``, ``<!channel>``,
    ``<https://…|label>``) is kept, as if picked from autocomplete or auto-linked."""

    def replace(match: re.Match[str]) -> str:
        sigil, name = match.group(1), match.group(2)
        stripped = name.rstrip(".-")
        tail = name[len(stripped) :]
        if sigil == "@":
            if stripped in _SPECIAL_MENTIONS:
                return f"<!{stripped}>{tail}"
            user = workspace.user_by_name(stripped)
            if user is not None:
                return f"<@{user.id}|{user.name}>{tail}"
        else:
            channel = workspace.channel_by_name(stripped)
            if channel is not None:
                return f"<#{channel.id}|{channel.name}>{tail}"
        return match.group(0)

    parts: list[str] = []
    position = 0
    for markup in _MARKUP.finditer(text):
        plain = escape_control_characters(text[position : markup.start()])
        parts += [_MENTION.sub(replace, plain), markup.group(0)]
        position = markup.end()
    parts.append(_MENTION.sub(replace, escape_control_characters(text[position:])))
    return "".join(parts)


class Payloads:
    """Builds payloads and issues the trigger_ids and response_urls that go with them."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        verification_token: str,
        clock: Callable[[], float],
        base_url: Callable[[], str],
        installed: Callable[[], bool] = lambda: True,
    ) -> None:
        self.workspace = workspace
        self.verification_token = verification_token
        self.clock = clock
        self.base_url = base_url
        self.installed = installed

    def _require_installed(self) -> None:
        """Slack sends an app nothing from a workspace it is not installed in."""
        if not self.installed():
            raise ActionNotPossible(
                f"the app is not installed in {self.workspace.team_name} ({self.workspace.team_id})"
            )

    def enterprise_ref(self) -> JsonDict | None:
        """``{"id", "name"}`` of the Enterprise Grid org the workspace belongs to, or None."""
        workspace = self.workspace
        if workspace.enterprise_id is None:
            return None
        return {"id": workspace.enterprise_id, "name": workspace.enterprise_name}

    # references ----------------------------------------------------------------------------

    def user_ref(self, user_id: str) -> JsonDict:
        user = self.workspace.require_user(user_id)
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}

    def team_ref(self) -> JsonDict:
        return {"id": self.workspace.team_id, "domain": self.workspace.domain}

    @staticmethod
    def channel_name(conversation: Conversation) -> str:
        if conversation.is_im:
            return "directmessage"
        return conversation.name

    def issue_trigger(self, user_id: str) -> str:
        workspace = self.workspace
        digits = "".join(ch for ch in workspace.team_id if ch.isdigit()) or "1"
        trigger_id = f"{workspace.now()}.{digits}.{secrets.token_hex(16)}"
        workspace.triggers[trigger_id] = Trigger(trigger_id, user_id, self.clock())
        return trigger_id

    def issue_response_url(
        self, user_id: str, channel: str, source: ResponseSource, message_ts: str | None = None
    ) -> str:
        url_id = secrets.token_hex(12)
        self.workspace.response_urls[url_id] = ResponseUrl(
            id=url_id,
            user=user_id,
            channel=channel,
            issued_at=self.clock(),
            source=source,
            message_ts=message_ts,
        )
        return f"{self.base_url()}/response/{url_id}"

    def _interaction(self, kind: str, user_id: str) -> JsonDict:
        self._require_installed()
        return {
            "type": kind,
            "user": self.user_ref(user_id),
            "api_app_id": self.workspace.app_id,
            "token": self.verification_token,
            "team": self.team_ref(),
            "enterprise": self.enterprise_ref(),
            "is_enterprise_install": False,
        }

    # slash commands and interactions -------------------------------------------------------

    def slash_command(
        self, user_id: str, conversation: Conversation, command: str, text: str
    ) -> JsonDict:
        self._require_installed()
        workspace = self.workspace
        user = workspace.require_user(user_id)
        enterprise: JsonDict = {}
        if workspace.enterprise_id is not None:
            enterprise = {
                "enterprise_id": workspace.enterprise_id,
                "enterprise_name": workspace.enterprise_name,
            }
        return {
            "token": self.verification_token,
            "team_id": workspace.team_id,
            "team_domain": workspace.domain,
            "channel_id": conversation.id,
            "channel_name": self.channel_name(conversation),
            "user_id": user.id,
            "user_name": user.name,
            "command": command,
            "text": text,
            "api_app_id": workspace.app_id,
            "is_enterprise_install": "false",
            "response_url": self.issue_response_url(user_id, conversation.id, "command"),
            "trigger_id": self.issue_trigger(user_id),
            **enterprise,
        }

    def message_actions(
        self,
        user_id: str,
        conversation: Conversation,
        source: Message | Ephemeral,
        actions: list[JsonDict],
    ) -> JsonDict:
        payload = self._interaction("block_actions", user_id)
        ephemeral = isinstance(source, Ephemeral)
        container: JsonDict = {
            "type": "message",
            "message_ts": source.ts,
            "channel_id": conversation.id,
            "is_ephemeral": ephemeral,
        }
        if source.thread_ts and source.thread_ts != source.ts:
            container["thread_ts"] = source.thread_ts
        payload.update(
            container=container,
            trigger_id=self.issue_trigger(user_id),
            channel={"id": conversation.id, "name": self.channel_name(conversation)},
        )
        if isinstance(source, Message):
            payload["message"] = bot_message_api(self.workspace, source)
        payload["state"] = {"values": {}}
        payload["response_url"] = self.issue_response_url(
            user_id, conversation.id, "ephemeral" if ephemeral else "message", source.ts
        )
        payload["actions"] = actions
        return payload

    def view_actions(self, user_id: str, view: View, actions: list[JsonDict]) -> JsonDict:
        payload = self._interaction("block_actions", user_id)
        payload.update(
            container={"type": "view", "view_id": view.id},
            trigger_id=self.issue_trigger(user_id),
            view=view.to_api(),
            actions=actions,
        )
        return payload

    def view_submission(self, user_id: str, view: View) -> JsonDict:
        payload = self._interaction("view_submission", user_id)
        payload.update(trigger_id=self.issue_trigger(user_id), view=view.to_api(), response_urls=[])
        return payload

    def view_closed(self, user_id: str, view: View, *, is_cleared: bool) -> JsonDict:
        payload = self._interaction("view_closed", user_id)
        payload.update(view=view.to_api(), is_cleared=is_cleared)
        return payload

    # events --------------------------------------------------------------------------------

    def event_callback(self, event: JsonDict) -> JsonDict:
        self._require_installed()
        workspace = self.workspace
        event_id = "Ev" + "".join(secrets.choice(_EVENT_ID_ALPHABET) for _ in range(9))
        context = json.dumps({"tid": workspace.team_id, "aid": workspace.app_id})
        grid: JsonDict = {}
        if workspace.enterprise_id is not None:
            grid["enterprise_id"] = workspace.enterprise_id
        return {
            "token": self.verification_token,
            "team_id": workspace.team_id,
            **grid,
            "context_team_id": workspace.team_id,
            "context_enterprise_id": workspace.enterprise_id,
            "api_app_id": workspace.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": workspace.now(),
            "authorizations": [
                {
                    "enterprise_id": workspace.enterprise_id,
                    "team_id": workspace.team_id,
                    "user_id": workspace.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + base64.urlsafe_b64encode(context.encode()).decode().rstrip("="),
        }

    def url_verification(self, challenge: str) -> JsonDict:
        return {
            "token": self.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }

    @staticmethod
    def channel_type(conversation: Conversation) -> str:
        """What a ``message`` event calls the kind of conversation it happened in."""
        return {"im": "im", "mpim": "mpim", "private": "group"}.get(conversation.kind, "channel")

    def message_event(self, conversation: Conversation, message: Message) -> JsonDict:
        """The ``message`` event Slack sends for a message (user- or bot-posted)."""
        event = message.to_api()
        event.pop("reply_users", None)
        event.update(channel=conversation.id, event_ts=message.ts)
        event["channel_type"] = self.channel_type(conversation)
        if message.bot_id:
            event["bot_profile"] = bot_profile(self.workspace)
        return event

    def message_changed_event(
        self, conversation: Conversation, message: Message, previous: JsonDict
    ) -> JsonDict:
        """``message_changed``: the message as it is now in ``message`` (with ``edited``),
        as it was in ``previous_message``. The event is hidden and has no ``user`` of its
        own; its ``ts`` is the time of the edit, the message keeps its own ``ts``."""
        edited_ts = str((message.edited or {}).get("ts") or self.workspace.next_ts())
        return {
            "type": "message",
            "subtype": "message_changed",
            "message": message.to_api(),
            "previous_message": previous,
            "channel": conversation.id,
            "hidden": True,
            "ts": edited_ts,
            "event_ts": edited_ts,
            "channel_type": self.channel_type(conversation),
        }

    def message_deleted_event(
        self, conversation: Conversation, previous: JsonDict, deleted_ts: str
    ) -> JsonDict:
        """``message_deleted``: ``deleted_ts`` names the message gone, ``previous_message``
        is what it was. Hidden, with no ``user`` of its own; its ``ts`` is the deletion's."""
        now = self.workspace.next_ts()
        return {
            "type": "message",
            "subtype": "message_deleted",
            "previous_message": previous,
            "channel": conversation.id,
            "hidden": True,
            "ts": now,
            "deleted_ts": deleted_ts,
            "event_ts": now,
            "channel_type": self.channel_type(conversation),
        }
