"""The two ways things go wrong in the sandbox: Slack says no, or a test asks the impossible."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class SlackError(Exception):
    """A Web API failure, answered as ``{"ok": false, "error": code, ...}``."""

    def __init__(
        self,
        code: str,
        *,
        messages: Sequence[str] = (),
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **extra: object,
    ) -> None:
        super().__init__(code if not messages else f"{code}: {'; '.join(messages)}")
        self.code = code
        self.messages = list(messages)
        self.status = status
        self.headers = dict(headers or {})
        self.extra = extra

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {"ok": False, "error": self.code}
        body.update(self.extra)
        if self.messages:
            body["response_metadata"] = {"messages": list(self.messages)}
        return body


class SandboxUsageError(Exception):
    """A test or the demo asked the sandbox for something that cannot happen."""


class ActionNotPossible(SandboxUsageError):
    """The Slack client would not let the user do this (nothing is sent to the bot)."""
