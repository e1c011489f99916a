"""Sending Slack's requests to the bot: signed HTTP POSTs, or envelopes over Socket Mode.

Slack waits 3 seconds for the acknowledgement; whatever arrives later does not count.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import aiohttp

from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.faults import FAULTY_DELIVERIES, Faults
from bot.sandbox.socket_mode import SocketModeHub
from bot.sandbox.state import JsonDict

logger = logging.getLogger(__name__)

DeliveryKind = Literal["slash_command", "interactive", "event", "url_verification"]
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
_ENVELOPE_TYPES = {
    "slash_command": "slash_commands",
    "interactive": "interactive",
    "event": "events_api",
}


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``, as Slack signs requests."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    """One request Slack made to the bot, and what came back within the deadline."""

    kind: DeliveryKind
    transport: Literal["http", "socket"]
    payload: JsonDict
    status: int | None
    body: str | None
    elapsed: float
    timed_out: bool
    retry_num: int = 0
    retry_reason: str | None = None
    error: str | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: bytes = b""
    problems: list[str] = field(default_factory=list)
    retries: list[Delivery] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Acknowledged in time with HTTP 200."""
        return self.status == 200 and not self.timed_out

    def json(self) -> Any:
        """The acknowledgement body as JSON (None when empty or not JSON)."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def ack(self) -> JsonDict | None:
        """The acknowledgement as Slack reads it: a JSON object, or ``{"text": body}``."""
        if not self.ok or not self.body or not self.body.strip():
            return None
        parsed = self.json()
        if isinstance(parsed, dict):
            return parsed
        return {"text": self.body}


@dataclass
class Deliverer:
    """Chooses the transport (Socket Mode when connected, else the request URL) and sends."""

    signing_secret: str
    socket_hub: SocketModeHub
    session: Callable[[], aiohttp.ClientSession]
    request_url: Callable[[], str | None]
    ack_deadline: float = 3.0
    on_activity: Callable[[], None] = lambda: None
    in_flight: int = 0
    faults: Faults = field(default_factory=Faults)

    @property
    def has_target(self) -> bool:
        """Whether there is anywhere to deliver to (a request URL or a socket)."""
        return bool(self.request_url()) or self.socket_hub.connected

    async def deliver(
        self,
        kind: DeliveryKind,
        payload: JsonDict,
        *,
        retry_num: int = 0,
        retry_reason: str | None = None,
    ) -> Delivery:
        self.in_flight += 1
        self.on_activity()
        try:
            if retry_num or kind not in FAULTY_DELIVERIES:
                return await self._send(kind, payload, retry_num, retry_reason)
            return await self.faults.deliver(lambda num, why: self._send(kind, payload, num, why))
        finally:
            self.in_flight -= 1
            self.on_activity()

    async def _send(
        self, kind: DeliveryKind, payload: JsonDict, retry_num: int, retry_reason: str | None
    ) -> Delivery:
        if kind != "url_verification" and self.socket_hub.connected:
            return await self._over_socket(kind, payload, retry_num, retry_reason)
        return await self._over_http(kind, payload, retry_num, retry_reason)

    async def _over_socket(
        self, kind: DeliveryKind, payload: JsonDict, retry_num: int, retry_reason: str | None
    ) -> Delivery:
        interactive_type = payload.get("type")
        accepts = kind == "slash_command" or (
            kind == "interactive" and interactive_type in ("view_submission", "block_suggestion")
        )
        result = await self.socket_hub.send(
            _ENVELOPE_TYPES[kind],
            payload,
            accepts_response_payload=accepts,
            deadline=self.ack_deadline,
            retry_attempt=retry_num,
            retry_reason=retry_reason,
        )
        body = json.dumps(result.payload) if result.payload is not None else ""
        return Delivery(
            kind=kind,
            transport="socket",
            payload=payload,
            status=200 if result.acked else None,
            body=body if result.acked else None,
            elapsed=result.elapsed,
            timed_out=result.error == "timeout",
            retry_num=retry_num,
            retry_reason=retry_reason,
            error=result.error if result.error != "timeout" else None,
            request_body=json.dumps(result.envelope).encode(),
        )

    def _encode(self, kind: DeliveryKind, payload: JsonDict) -> tuple[bytes, str]:
        if kind == "slash_command":
            fields = {k: str(v) for k, v in payload.items()}
            return urlencode(fields).encode(), "application/x-www-form-urlencoded"
        if kind == "interactive":
            form = urlencode({"payload": json.dumps(payload, separators=(",", ":"))})
            return form.encode(), "application/x-www-form-urlencoded"
        return json.dumps(payload, separators=(",", ":")).encode(), "application/json"

    async def _over_http(
        self, kind: DeliveryKind, payload: JsonDict, retry_num: int, retry_reason: str | None
    ) -> Delivery:
        url = self.request_url()
        if not url:
            raise SandboxUsageError(
                "nowhere to deliver: set sandbox.request_url or connect a Socket Mode client"
            )
        body, content_type = self._encode(kind, payload)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": slack_signature(self.signing_secret, timestamp, body),
        }
        if retry_num:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        delivery = Delivery(
            kind=kind,
            transport="http",
            payload=payload,
            status=None,
            body=None,
            elapsed=0.0,
            timed_out=False,
            retry_num=retry_num,
            retry_reason=headers.get("X-Slack-Retry-Reason"),
            request_headers=headers,
            request_body=body,
        )
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.ack_deadline):
                async with self.session().post(url, data=body, headers=headers) as response:
                    delivery.status = response.status
                    delivery.body = await response.text()
        except TimeoutError:
            delivery.timed_out = True
            logger.warning("%s to %s not acknowledged within %.1fs", kind, url, self.ack_deadline)
        except aiohttp.ClientError as error:
            delivery.error = f"{type(error).__name__}: {error}"
            logger.warning("%s to %s failed: %s", kind, url, delivery.error)
        delivery.elapsed = time.perf_counter() - started
        return delivery
