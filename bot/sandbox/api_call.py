"""What a Web API method handler gets: the workspace, the caller, and typed arguments."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.sandbox.errors import SlackError
from bot.sandbox.ratelimit import RateLimiter
from bot.sandbox.state import Conversation, JsonDict, Message
from bot.sandbox.workspace import Workspace

T = TypeVar("T")


class ApiEffects(Protocol):
    """What a Web API call can set in motion outside the workspace state."""

    def bot_posted(self, conversation: Conversation, message: Message) -> None:
        """The bot posted a message (Slack echoes it as a message event in DMs)."""

    def issue_socket_url(self) -> str:
        """A fresh Socket Mode WebSocket URL (apps.connections.open)."""


@dataclass
class Installation:
    """The app in one workspace: what its tokens act on, their scopes and rate limits."""

    workspace: Workspace
    limiter: RateLimiter
    effects: ApiEffects
    bot_scopes: tuple[str, ...]
    installed: bool = True
    installer: str | None = None  # who approved the install on the consent page


@dataclass
class ApiContext:
    workspace: Workspace
    clock: Callable[[], float]
    base_url: str
    token_kind: str
    trigger_ttl: float
    effects: ApiEffects


class Arguments:
    """The call's arguments after contract validation, with typed accessors."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = dict(values)

    def get(self, name: str) -> object:
        return self.values.get(name)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        if not isinstance(value, str):
            raise SlackError(
                "invalid_arguments", messages=[f"[ERROR] missing required field: {name}"]
            )
        return value

    def optional_text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        return value if isinstance(value, bool) else default

    def integer(self, name: str, default: int) -> int:
        value = self.values.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return default
        return int(value)

    def structured(self, name: str, *, error: str) -> object:
        """A JSON-carrying argument as Python data (None when absent); bad JSON is ``error``."""
        value = self.values.get(name)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise SlackError(
                    error, messages=[f"[ERROR] {name} is not valid JSON: {exc.msg}"]
                ) from exc
        return value


Handler = Callable[[ApiContext, Arguments], Awaitable[JsonDict]]


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def page(items: Sequence[T], arguments: Arguments, *, default_limit: int) -> tuple[list[T], str]:
    """Cursor pagination the Slack way: (this page, next_cursor or "")."""
    cursor = arguments.optional_text("cursor")
    offset = 0
    if cursor:
        try:
            decoded = base64.b64decode(cursor.encode(), validate=True).decode()
            prefix, _, number = decoded.partition(":")
            offset = int(number)
            if prefix != "offset" or offset < 0:
                raise ValueError(cursor)
        except ValueError as exc:
            raise SlackError("invalid_cursor") from exc
    limit = arguments.integer("limit", default_limit)
    if limit <= 0:
        limit = len(items) or 1
    chunk = list(items[offset : offset + limit])
    more = offset + limit < len(items)
    return chunk, encode_cursor(offset + limit) if more else ""
