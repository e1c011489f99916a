"""Fault injection: Slack failing now and then, seeded so that a run can be repeated.

Web API calls (``/api/{method}``): a share is answered HTTP 500, 503, 429 (with
``Retry-After``) or by closing the connection without an answer. The fault is decided
before the method runs, so a failed call changes nothing in the workspace and is not in
``sandbox.calls``. Slack can also apply a call and then lose its answer; a (usually small)
share of ``lost_responses`` does that: the method runs, and the bot is told it failed.

Deliveries of events and interactions: a share is delivered again, the same payload as a
retry (``X-Slack-Retry-Num``, ``X-Slack-Retry-Reason: http_timeout``, or ``retry_attempt``
over Socket Mode), after the first was acknowledged; a share is held back until the next
delivery has been acknowledged, then sent (out of order). Slash commands and the URL check
are left alone, as Slack never retries them.

Every decision comes from ``random.Random`` seeded with ``seed`` (one stream for calls,
one for deliveries), and everything done is counted in ``Faults.counts``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from bot.sandbox.state import JsonDict

if TYPE_CHECKING:
    from bot.sandbox.delivery import Delivery

logger = logging.getLogger(__name__)

CallFault = Literal["500", "503", "429", "drop"]
CALL_FAULTS: tuple[CallFault, ...] = ("500", "503", "429", "drop")
FAULTY_DELIVERIES = frozenset({"event", "interactive"})

_ERRORS: dict[str, tuple[int, str]] = {
    "500": (500, "internal_error"),
    "503": (503, "service_unavailable"),
    "429": (429, "ratelimited"),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Send = Callable[[int, str | None], Awaitable["Delivery"]]


class FaultSettings(BaseModel):
    """How often the sandbox fails; ``FaultSettings()`` never does.

    ``failed_calls``: the share of Web API calls answered with one of ``call_faults``
    (drawn evenly), without effect. ``lost_responses``: the share applied, then answered
    as failed (500, 503 or a dropped connection). ``redelivered``: the share of events and
    interactions delivered a second time. ``reordered``: the share held back until the
    next delivery is acknowledged, or ``hold_at_most`` seconds when none comes.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 0
    failed_calls: float = Field(default=0.0, ge=0.0, le=1.0)
    call_faults: tuple[CallFault, ...] = Field(default=CALL_FAULTS, min_length=1)
    lost_responses: float = Field(default=0.0, ge=0.0, le=1.0)
    redelivered: float = Field(default=0.0, ge=0.0, le=1.0)
    reordered: float = Field(default=0.0, ge=0.0, le=1.0)
    retry_after: int = Field(default=1, ge=0)
    hold_at_most: float = Field(default=1.0, gt=0.0)


@dataclass(frozen=True)
class LostResponse:
    """A call the workspace applied whose answer the bot never got."""

    method: str
    fault: CallFault
    answer: JsonDict  # what Slack would have answered


@dataclass
class FaultCounts:
    """What the faults did, since the sandbox started."""

    calls: int = 0  # Web API calls seen
    failed: Counter[CallFault] = field(default_factory=Counter)  # by fault, without effect
    lost: list[LostResponse] = field(default_factory=list)  # applied, answer lost
    deliveries: int = 0  # first deliveries of events and interactions
    redelivered: int = 0
    reordered: int = 0  # sent after the delivery that came after them
    held_alone: int = 0  # held back, but no other delivery came within hold_at_most

    @property
    def failed_calls(self) -> int:
        return sum(self.failed.values())


class Faults:
    """Decides, does and counts the faults of one sandbox."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        self.settings = FaultSettings() if settings is None else settings
        self.counts = FaultCounts()
        seed = self.settings.seed
        self._calls = random.Random(f"{seed}:calls")
        self._deliveries = random.Random(f"{seed}:deliveries")
        self._held: asyncio.Event | None = None

    # Web API -------------------------------------------------------------------------------

    def guard(self, handler: Handler) -> Handler:
        """The Web API route, failing as often as the settings say."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            method = request.match_info.get("method", "")
            fault, applied = self._decide_call()
            if fault is None:
                return await handler(request)
            if applied:
                response = await handler(request)
                self.counts.lost.append(LostResponse(method, fault, _answer_of(response)))
                logger.info("Web API %s applied, its answer lost (%s)", method, fault)
            else:
                self.counts.failed[fault] += 1
                logger.info("Web API %s failed before it ran (%s)", method, fault)
            return self._fail(request, fault)

        return guarded

    def _decide_call(self) -> tuple[CallFault | None, bool]:
        """(the fault, whether the call is applied first); (None, False) for none."""
        settings = self.settings
        self.counts.calls += 1
        roll = self._calls.random()
        kind = self._calls.choice(settings.call_faults)
        if roll < settings.failed_calls:
            return kind, False
        if roll < settings.failed_calls + settings.lost_responses:
            return ("500" if kind == "429" else kind), True  # a 429 is never applied
        return None, False

    def _fail(self, request: web.Request, fault: CallFault) -> web.StreamResponse:
        if fault == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)  # never reaches the bot
        status, error = _ERRORS[fault]
        headers = {"Retry-After": str(self.settings.retry_after)} if fault == "429" else {}
        return web.json_response({"ok": False, "error": error}, status=status, headers=headers)

    # deliveries ----------------------------------------------------------------------------

    async def deliver(self, send: Send) -> Delivery:
        """One delivery of an event or interaction, sent with ``send(retry_num, reason)``:
        perhaps held back until the next one is through, perhaps sent again."""
        settings = self.settings
        self.counts.deliveries += 1
        hold = self._deliveries.random() < settings.reordered
        again = self._deliveries.random() < settings.redelivered
        if hold and self._held is None:
            delivery = await self._held_back(send)
        else:
            overtaken, self._held = self._held, None
            try:
                delivery = await send(0, None)
            finally:
                if overtaken is not None:
                    overtaken.set()
        if again:
            self.counts.redelivered += 1
            reason = "timeout" if delivery.transport == "socket" else "http_timeout"
            delivery.retries.append(await send(delivery.retry_num + 1, reason))
        return delivery

    async def _held_back(self, send: Send) -> Delivery:
        overtaken = self._held = asyncio.Event()
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.hold_at_most):
                    await overtaken.wait()
        finally:
            if self._held is overtaken:
                self._held = None
        if overtaken.is_set():
            self.counts.reordered += 1
        else:
            self.counts.held_alone += 1
        return await send(0, None)


def _answer_of(response: web.StreamResponse) -> JsonDict:
    body = response.body if isinstance(response, web.Response) else None
    if not isinstance(body, bytes):
        return {}
    with contextlib.suppress(ValueError):
        parsed = json.loads(body)
        if isinstance(parsed, dict):
            return parsed
    return {}
