"""Pacing Slack's Web API per method: once Slack answers 429 with ``Retry-After`` for a
method, every call of that method waits until then, those in flight and those not yet
sent alike, instead of each finding out for itself with a 429 of its own.

Slack's limits are per method per workspace, so one 429 speaks for every concurrent call
of the method. Waiting callers go on in the order they came (a fair lock), so that a
call turned away once is not turned away again and again by newer ones.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.slack.connections import SlackConnections

# Retry-After is missing from a 429 only when something is wrong at Slack; wait this long.
DEFAULT_RETRY_AFTER = 1.0


class MethodPacing:
    """Until when each Web API method must not be called, as Slack last said."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._until: dict[str, float] = {}
        self._queues: dict[str, asyncio.Lock] = {}

    def hold(self, method: str, seconds: float) -> None:
        """Slack said to wait ``seconds`` before calling ``method`` again."""
        until = self.clock() + max(0.0, seconds)
        self._until[method] = max(self._until.get(method, 0.0), until)

    def remaining(self, method: str) -> float:
        """Seconds until ``method`` may be called again (0.0 when it may be now)."""
        return max(0.0, self._until.get(method, 0.0) - self.clock())

    async def wait(self, method: str) -> None:
        """Return once ``method`` may be called, after any callers already waiting."""
        if self.remaining(method) <= 0.0:
            return
        async with self._queues.setdefault(method, asyncio.Lock()):
            while (delay := self.remaining(method)) > 0.0:
                await self.sleep(delay)


def method_of(url: str) -> str:
    """The Web API method a request goes to: ``…/api/chat.postMessage`` → ``chat.postMessage``."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def retry_after_of(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return float(values[0])
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER


class PacedRateLimitRetryHandler(AsyncRetryHandler):
    """slack_sdk's rate-limit retries (which calls, how many times), paced per method: a
    429 holds back every call of its method until ``Retry-After`` has passed, and the
    call is tried again then."""

    def __init__(self, pacing: MethodPacing, rate_limited: AsyncRateLimitErrorRetryHandler) -> None:
        super().__init__(max_retry_count=rate_limited.max_retry_count)
        self.pacing = pacing
        self.rate_limited = rate_limited

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return await self.rate_limited.can_retry_async(
            state=state, request=request, response=response, error=error
        )

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("a rate-limit retry without a response")
        method = method_of(request.url)
        state.next_attempt_requested = True
        self.pacing.hold(method, retry_after_of(response))
        await self.pacing.wait(method)
        state.increment_current_attempt()


class PacedWebClient(AsyncWebClient):
    """An AsyncWebClient whose calls wait while their method is held back (see
    :class:`MethodPacing`), so that a call is not sent only to be turned away; with
    ``connections``, its calls go over that shared pool of kept-alive connections."""

    def __init__(
        self,
        *args: Any,
        pacing: MethodPacing,
        connections: SlackConnections | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pacing = pacing
        self.connections = connections

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        await self.pacing.wait(api_method)
        if self.connections is not None:
            self.session = self.connections.session()
        response: AsyncSlackResponse = await super().api_call(api_method, **kwargs)
        return response
