"""One emulated Slack workspace: its team, app, users, conversations, views and files."""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.people import User, describe_timezone
from bot.sandbox.records import ResponseUrl, Trigger, UploadedFile
from bot.sandbox.state import (
    Conversation,
    ConversationKind,
    Ephemeral,
    JsonDict,
    Message,
    View,
)

SLACKBOT_ID = "USLACKBOT"


class Workspace:
    """State only: lookups and changes, no network and no Slack rules beyond bookkeeping."""

    def __init__(
        self,
        *,
        team_name: str = "P2P Sandbox",
        domain: str = "p2p-sandbox",
        bot_name: str = "p2p",
        wall_clock: Callable[[], float] = time.time,
        serial: Iterator[int] | None = None,
        app_id: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> None:
        # Workspaces of one sandbox share ``serial``, so no two of them hand out the same id.
        self._serial = itertools.count(1) if serial is None else serial
        self._last_ts = 0.0
        self.wall_clock = wall_clock
        self.team_id = self.new_id("T")
        self.team_name = team_name
        self.domain = domain
        self.app_id = self.new_id("A") if app_id is None else app_id
        self.bot_id = self.new_id("B")
        self.enterprise_id = enterprise_id
        self.enterprise_name = enterprise_name or (enterprise_id and f"Org {enterprise_id}")
        self.users: dict[str, User] = {}
        self.conversations: dict[str, Conversation] = {}
        self._bot_ims: dict[str, Conversation] = {}  # by the user on the other side
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.ephemerals: list[Ephemeral] = []
        self.files: dict[str, UploadedFile] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.view_errors: dict[str, dict[str, str]] = {}
        slackbot = User(
            id=SLACKBOT_ID,
            team_id=self.team_id,
            name="slackbot",
            real_name="Slackbot",
            tz="America/Los_Angeles",
            tz_label="",
            tz_offset=0,
        )
        slackbot.tz_label, slackbot.tz_offset = describe_timezone(slackbot.tz)
        self.users[SLACKBOT_ID] = slackbot
        bot = self.add_user(bot_name, real_name=bot_name, tz="America/Los_Angeles", is_bot=True)
        bot.bot_id, bot.app_id = self.bot_id, self.app_id
        self.bot_user_id = bot.id

    # ids and times -------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}SB{next(self._serial):07d}"

    def next_ts(self) -> str:
        """A message ts: wall-clock seconds with microseconds, strictly increasing."""
        now = max(self.wall_clock(), self._last_ts + 0.000001)
        self._last_ts = now
        return f"{now:.6f}"

    def now(self) -> int:
        return int(self.wall_clock())

    @staticmethod
    def random_token(length: int = 16) -> str:
        return secrets.token_hex(length)

    # people and places ---------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "Europe/London",
        email: str | None = None,
        display_name: str | None = None,
        is_bot: bool = False,
        is_admin: bool = False,
    ) -> User:
        if self.user_by_name(name) is not None:
            raise SandboxUsageError(f"a user named {name!r} already exists")
        label, offset = describe_timezone(tz)
        user = User(
            id=self.new_id("U"),
            team_id=self.team_id,
            name=name,
            real_name=real_name or name,
            tz=tz,
            tz_label=label,
            tz_offset=offset,
            email=email if email is not None or is_bot else f"{name}@sandbox.example.com",
            display_name=display_name if display_name is not None else name,
            is_bot=is_bot,
            is_admin=is_admin,
            updated=self.now(),
        )
        self.users[user.id] = user
        return user

    def add_conversation(
        self,
        name: str,
        *,
        kind: ConversationKind,
        members: Iterable[str],
        creator: str | None = None,
        im_user: str | None = None,
    ) -> Conversation:
        prefix = {"channel": "C", "private": "G", "im": "D", "mpim": "G"}[kind]
        conversation = Conversation(
            id=self.new_id(prefix),
            name=name,
            kind=kind,
            created=self.now(),
            creator=creator or self.bot_user_id,
            members=list(dict.fromkeys(members)),
            im_user=im_user,
        )
        self.conversations[conversation.id] = conversation
        if conversation.is_im and im_user is not None:
            self._bot_ims.setdefault(im_user, conversation)
        return conversation

    def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def require_user(self, user_id: str) -> User:
        user = self.users.get(user_id)
        if user is None:
            raise SandboxUsageError(f"no user {user_id!r} in the sandbox workspace")
        return user

    def user_by_name(self, name: str) -> User | None:
        wanted = name.lower()
        return next(
            (u for u in self.users.values() if wanted in (u.name.lower(), u.display_name.lower())),
            None,
        )

    def conversation(self, conversation_id: str) -> Conversation | None:
        return self.conversations.get(conversation_id)

    def require_conversation(self, conversation_id: str) -> Conversation:
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            raise SandboxUsageError(f"no conversation {conversation_id!r} in the sandbox workspace")
        return conversation

    def channel_by_name(self, name: str) -> Conversation | None:
        wanted = name.lstrip("#").lower()
        return next(
            (c for c in self.conversations.values() if not c.is_im and c.name.lower() == wanted),
            None,
        )

    def existing_bot_im(self, user_id: str) -> Conversation | None:
        """The direct message conversation between the bot and a user, if it exists."""
        return self._bot_ims.get(user_id)

    def bot_im(self, user_id: str) -> Conversation:
        """The direct message conversation between the bot and a user (opened if needed)."""
        existing = self.existing_bot_im(user_id)
        if existing is not None:
            return existing
        return self.add_conversation(
            user_id,
            kind="im",
            members=[self.bot_user_id, user_id],
            creator=user_id,
            im_user=user_id,
        )

    # messages ------------------------------------------------------------------------------

    def post(
        self,
        conversation: Conversation,
        *,
        user: str,
        text: str,
        blocks: list[JsonDict] | None = None,
        thread_ts: str | None = None,
        **details: Any,
    ) -> Message:
        """Add a message (or a thread reply) to a conversation."""
        message = Message(
            ts=self.next_ts(),
            channel=conversation.id,
            team=self.team_id,
            user=user,
            text=text,
            blocks=list(blocks or []),
            **details,
        )
        if user == self.bot_user_id:
            message.bot_id, message.app_id = self.bot_id, self.app_id
        parent = conversation.find(thread_ts) if thread_ts else None
        if parent is not None:
            parent = conversation.parent_of(parent) or parent
            message.thread_ts = parent.ts
            message.parent_user_id = parent.user
            if parent.thread_ts is None:
                parent.thread_ts = parent.ts
            parent.replies.append(message)
        else:
            conversation.messages.append(message)
        return message

    def delete(self, conversation: Conversation, message: Message) -> None:
        if message in conversation.messages:
            conversation.messages.remove(message)
            return
        parent = conversation.parent_of(message)
        if parent is not None:
            parent.replies.remove(message)

    def add_ephemeral(
        self,
        *,
        user: str,
        channel: str,
        text: str,
        blocks: list[JsonDict] | None = None,
        thread_ts: str | None = None,
        source: str,
    ) -> Ephemeral:
        ephemeral = Ephemeral(
            ts=self.next_ts(),
            user=user,
            channel=channel,
            text=text,
            blocks=list(blocks or []),
            thread_ts=thread_ts,
            source=source,
        )
        self.ephemerals.append(ephemeral)
        return ephemeral

    def find_ephemeral(self, ts: str) -> Ephemeral | None:
        return next((e for e in self.ephemerals if e.ts == ts), None)

    # views ---------------------------------------------------------------------------------

    def new_view_hash(self) -> str:
        return f"{self.now()}.{secrets.token_hex(4)}"

    def modal_stack(self, user_id: str) -> list[View]:
        return [self.views[v] for v in self.modal_stacks.get(user_id, []) if v in self.views]

    def top_modal(self, user_id: str) -> View | None:
        stack = self.modal_stack(user_id)
        return stack[-1] if stack else None

    def close_modal(self, user_id: str, *, clear: bool = False) -> list[View]:
        """Pop the top modal (or every modal); returns the views that closed."""
        stack = self.modal_stacks.get(user_id, [])
        closing = list(stack) if clear else stack[-1:]
        closed = [self.views[view_id] for view_id in closing if view_id in self.views]
        for view_id in closing:
            stack.remove(view_id)
            self.views.pop(view_id, None)
        self.view_errors.pop(user_id, None)
        if not stack:
            self.modal_stacks.pop(user_id, None)
        return closed

    def home_view(self, user_id: str) -> View | None:
        view_id = self.home_views.get(user_id)
        return self.views.get(view_id) if view_id else None

    def view_is_open(self, view: View) -> bool:
        if view.type == "home":
            return self.home_views.get(view.user_id) == view.id
        return view.id in self.modal_stacks.get(view.user_id, [])

    def find_view_by_external_id(self, external_id: str) -> View | None:
        return next(
            (
                v
                for v in self.views.values()
                if v.external_id == external_id and self.view_is_open(v)
            ),
            None,
        )
