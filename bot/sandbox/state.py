"""The things a Slack workspace holds, and their Web API shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JsonDict = dict[str, Any]
ConversationKind = Literal["channel", "private", "im", "mpim"]


@dataclass
class Message:
    ts: str
    channel: str
    team: str
    user: str | None
    text: str
    blocks: list[JsonDict] = field(default_factory=list)
    attachments: list[JsonDict] = field(default_factory=list)
    thread_ts: str | None = None
    parent_user_id: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    client_msg_id: str | None = None
    subtype: str | None = None
    edited: JsonDict | None = None
    files: list[JsonDict] = field(default_factory=list)
    metadata: JsonDict | None = None
    replies: list[Message] = field(default_factory=list)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self) -> JsonDict:
        shaped: JsonDict = {"type": "message"}
        if self.subtype:
            shaped["subtype"] = self.subtype
        if self.user:
            shaped["user"] = self.user
        if self.bot_id:
            shaped.update(bot_id=self.bot_id, app_id=self.app_id)
        shaped.update(text=self.text, ts=self.ts, team=self.team)
        if self.client_msg_id:
            shaped["client_msg_id"] = self.client_msg_id
        if self.blocks:
            shaped["blocks"] = self.blocks
        if self.attachments:
            shaped["attachments"] = self.attachments
        if self.files:
            shaped.update(files=self.files, upload=False, display_as_bot=False)
        if self.edited:
            shaped["edited"] = self.edited
        if self.metadata:
            shaped["metadata"] = self.metadata
        if self.thread_ts:
            shaped["thread_ts"] = self.thread_ts
        if self.is_reply and self.parent_user_id:
            shaped["parent_user_id"] = self.parent_user_id
        if self.replies:
            users = list(dict.fromkeys(r.user for r in self.replies if r.user))
            shaped.update(
                reply_count=len(self.replies),
                reply_users_count=len(users),
                latest_reply=self.replies[-1].ts,
                reply_users=users,
                is_locked=False,
                subscribed=False,
            )
        return shaped


@dataclass
class Ephemeral:
    """A message shown to one user only; never in history."""

    ts: str
    user: str
    channel: str
    text: str
    blocks: list[JsonDict] = field(default_factory=list)
    thread_ts: str | None = None
    source: str = "chat.postEphemeral"

    def to_api(self) -> JsonDict:
        shaped: JsonDict = {"type": "message", "subtype": "bot_message", "text": self.text}
        shaped["ts"] = self.ts
        if self.blocks:
            shaped["blocks"] = self.blocks
        if self.thread_ts:
            shaped["thread_ts"] = self.thread_ts
        return shaped


@dataclass
class Conversation:
    id: str
    name: str
    kind: ConversationKind
    created: int
    creator: str
    members: list[str] = field(default_factory=list)
    im_user: str | None = None
    topic: str = ""
    purpose: str = ""
    is_archived: bool = False
    is_general: bool = False
    messages: list[Message] = field(default_factory=list)

    @property
    def is_im(self) -> bool:
        return self.kind == "im"

    def find(self, ts: str) -> Message | None:
        """A top-level message or a reply with this ts."""
        for message in self.messages:
            if message.ts == ts:
                return message
            for reply in message.replies:
                if reply.ts == ts:
                    return reply
        return None

    def parent_of(self, reply: Message) -> Message | None:
        return next((m for m in self.messages if reply in m.replies), None)

    def to_api(self, *, bot_user_id: str, num_members: bool = False) -> JsonDict:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
                "is_open": True,
                "last_read": "0000000000.000000",
            }
        shaped: JsonDict = {
            "id": self.id,
            "name": self.name,
            "is_channel": self.kind == "channel",
            "is_group": self.kind == "private",
            "is_im": False,
            "is_mpim": self.kind == "mpim",
            "is_private": self.kind != "channel",
            "created": self.created,
            "is_archived": self.is_archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "is_ext_shared": False,
            "creator": self.creator,
            "is_member": bot_user_id in self.members,
            "topic": {"value": self.topic, "creator": self.creator, "last_set": self.created},
            "purpose": {"value": self.purpose, "creator": self.creator, "last_set": self.created},
            "previous_names": [],
        }
        if num_members:
            shaped["num_members"] = len(self.members)
        return shaped


@dataclass
class View:
    id: str
    team_id: str
    app_id: str
    bot_id: str
    user_id: str
    spec: JsonDict
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    state_values: JsonDict = field(default_factory=dict)

    @property
    def type(self) -> str:
        return str(self.spec.get("type", "modal"))

    @property
    def blocks(self) -> list[JsonDict]:
        blocks = self.spec.get("blocks")
        return blocks if isinstance(blocks, list) else []

    @property
    def callback_id(self) -> str:
        return str(self.spec.get("callback_id") or "")

    @property
    def private_metadata(self) -> str:
        return str(self.spec.get("private_metadata") or "")

    @property
    def external_id(self) -> str:
        return str(self.spec.get("external_id") or "")

    @property
    def notify_on_close(self) -> bool:
        return bool(self.spec.get("notify_on_close"))

    @property
    def title(self) -> str:
        title = self.spec.get("title")
        return str(title.get("text", "")) if isinstance(title, dict) else ""

    def to_api(self) -> JsonDict:
        spec = self.spec
        return {
            "id": self.id,
            "team_id": self.team_id,
            "type": self.type,
            "blocks": self.blocks,
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": self.state_values},
            "hash": self.hash,
            "title": spec.get("title"),
            "clear_on_close": bool(spec.get("clear_on_close")),
            "notify_on_close": self.notify_on_close,
            "close": spec.get("close"),
            "submit": spec.get("submit"),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": self.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
