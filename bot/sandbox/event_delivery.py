"""Events API and interaction delivery with Slack's retry behaviour, and the chaos switch
that sends everything twice."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from bot.sandbox.contract import Contract
from bot.sandbox.delivery import Deliverer, Delivery
from bot.sandbox.payloads import Payloads
from bot.sandbox.state import JsonDict

logger = logging.getLogger(__name__)


def retry_reason_for(failed: Delivery) -> str:
    """The ``X-Slack-Retry-Reason`` / ``retry_reason`` Slack gives after a failed attempt
    (a forced duplicate of a successful one counts as a timeout)."""
    if failed.transport == "socket":
        return "timeout"
    if failed.timed_out or failed.ok:
        return "http_timeout"
    if failed.status is None:
        return "connection_failed"
    return "http_error"


class EventDelivery:
    """Sends events (retrying like Slack) and interactions (optionally twice)."""

    def __init__(
        self,
        *,
        deliverer: Deliverer,
        payloads: Payloads,
        contract: Contract,
        bot_scopes: Callable[[], tuple[str, ...]],
        bot_events: Iterable[str],
        spawn: Callable[[Coroutine[Any, Any, None]], None],
        record: Callable[[Delivery], None],
        event_retries: int,
    ) -> None:
        self.deliverer = deliverer
        self.payloads = payloads
        self.contract = contract
        self.bot_scopes = bot_scopes
        self.bot_events = tuple(bot_events)
        self.spawn = spawn
        self.record = record
        self.event_retries = event_retries
        self.deliver_twice = False

    def subscribed(self, name: str) -> bool:
        """Whether the app gets this event: it subscribes to it, the contract knows it, and
        one of the bot's scopes allows it."""
        described = self.contract.event(name)
        if name not in self.bot_events or described is None:
            return False
        return not described.scopes or bool(set(described.scopes) & set(self.bot_scopes()))

    async def event(
        self, event: JsonDict, *, retry_num: int = 0, retry_reason: str | None = None
    ) -> Delivery:
        envelope = self.payloads.event_callback(event)
        delivery = await self.deliverer.deliver(
            "event", envelope, retry_num=retry_num, retry_reason=retry_reason
        )
        self.record(delivery)
        if self.deliver_twice:
            again = await self.deliverer.deliver(
                "event", envelope, retry_num=retry_num + 1, retry_reason=retry_reason_for(delivery)
            )
            delivery.retries.append(again)
        elif not delivery.ok and retry_num < self.event_retries:
            self.spawn(self._redeliver(envelope, delivery))
        return delivery

    async def workspace_event(self, name: str, event: JsonDict) -> Delivery | None:
        """An event caused by a change to the workspace: sent when the app subscribes to it
        and something is listening (None otherwise)."""
        if not self.subscribed(name) or not self.deliverer.has_target:
            return None
        return await self.event(event)

    async def _redeliver(self, envelope: JsonDict, first: Delivery) -> None:
        last = first
        for attempt in range(first.retry_num + 1, self.event_retries + 1):
            logger.info("redelivering event %s (retry %d)", envelope.get("event_id"), attempt)
            last = await self.deliverer.deliver(
                "event", envelope, retry_num=attempt, retry_reason=retry_reason_for(last)
            )
            first.retries.append(last)
            if last.ok:
                return

    async def interaction(self, make_payload: Callable[[], JsonDict]) -> Delivery:
        delivery = await self.deliverer.deliver("interactive", make_payload())
        self.record(delivery)
        if self.deliver_twice:
            delivery.retries.append(await self.deliverer.deliver("interactive", make_payload()))
        return delivery

    def spawn_event(self, event: JsonDict) -> None:
        """Deliver an event in the background (for events caused by a Web API call)."""

        async def send() -> None:
            try:
                await self.event(event)
            except Exception:
                logger.exception("could not deliver %s", event.get("type"))

        self.spawn(send())


async def cancel_all(tasks: set[asyncio.Task[None]]) -> None:
    for task in list(tasks):
        task.cancel()
    for task in list(tasks):
        with contextlib.suppress(asyncio.CancelledError):
            await task
