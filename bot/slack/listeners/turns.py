"""Acks first: the work listeners do after ``ack()`` takes turns, so that a burst of
deliveries cannot keep Slack waiting for its acknowledgements.

Bolt acknowledges a delivery, then runs the listener's work in a task of its own on the
same event loop. When hundreds of people reply at once, hundreds of such tasks share the
loop with the requests still to be acknowledged, and every acknowledgement waits its
share behind all of them: past Slack's three seconds, Slack delivers again.

With turns, deliveries do their work in the order they came, ``at_once`` at most; while
requests keep coming (one was acknowledged less than ``QUIET_SECONDS`` ago), a new piece
of work starts only if fewer than ``while_busy`` (two) are running. Work waiting for its
turn costs the loop nothing, and acknowledging never waits for a turn, so during a burst
an ack waits behind the work of two deliveries at most, and the work goes on ``at_once``
at a time as soon as the requests pause. Some work always runs: a steady stream of
requests slows the work down, never stops it. Work that must reach Slack within seconds
(a form opened with the click's trigger_id) does not wait.

A Bolt middleware (bot/app.py) gives each delivery the app's turns; the listeners take one
around their work through ``reporting_errors``/``logging_errors`` (listeners/errors.py);
``acknowledging`` marks the time from a request's arrival to its ack (bot/app.py). Work
that is not a delivery's (the reminders) does not take turns.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar

# Enough to keep the database and Slack busy while a call is on the way (a delivery's work
# is mostly waiting for them) once requests pause; fewer while they keep coming.
AT_ONCE = 8
WHILE_BUSY = 2
# Requests "keep coming" until none has been acknowledged for this long.
QUIET_SECONDS = 0.05

_TURNS: ContextVar[Turns | None] = ContextVar("p2p_turns", default=None)
_HOLDING: ContextVar[bool] = ContextVar("p2p_holding_a_turn", default=False)


class Turns:
    """Turns for the work of one app's deliveries (one event loop's)."""

    def __init__(
        self,
        at_once: int = AT_ONCE,
        *,
        while_busy: int = WHILE_BUSY,
        quiet_seconds: float = QUIET_SECONDS,
    ) -> None:
        self.at_once = at_once
        self.while_busy = min(while_busy, at_once)
        self.quiet_seconds = quiet_seconds
        self.running = 0  # pieces of work holding a turn
        self.acknowledging_now = 0  # requests arrived and not yet acknowledged
        self._busy_until = 0.0  # loop time until which requests keep coming
        self._timer: asyncio.TimerHandle | None = None
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return sum(1 for f in self._waiting if not f.done())

    def requests_keep_coming(self) -> bool:
        loop = asyncio.get_running_loop()
        return self.acknowledging_now > 0 or loop.time() < self._busy_until

    def _may_start(self) -> bool:
        if self.running >= self.at_once:
            return False
        return self.running < self.while_busy or not self.requests_keep_coming()

    def _admit(self) -> None:
        """Start whoever is next in line, as many as may start now."""
        while self._waiting and self._may_start():
            future = self._waiting.popleft()
            if not future.done():  # a cancelled wait gives up its place
                self.running += 1
                future.set_result(None)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a turn, and hold it for the block."""
        if not self._waiting and self._may_start():
            self.running += 1
        else:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(future)
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self.running -= 1  # admitted just as it was cancelled
                    self._admit()
                raise
        holding = _HOLDING.set(True)
        try:
            yield
        finally:
            _HOLDING.reset(holding)
            self.running -= 1
            self._admit()

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Around the handling of a request up to its ack: new work holds back meanwhile,
        and for ``quiet_seconds`` after."""
        self.acknowledging_now += 1
        try:
            yield
        finally:
            self.acknowledging_now -= 1
            loop = asyncio.get_running_loop()
            self._busy_until = loop.time() + self.quiet_seconds
            if self._timer is None:
                self._timer = loop.call_at(self._busy_until, self._when_quiet)

    def _when_quiet(self) -> None:
        """The timer after the last ack: more work may start, unless requests came since."""
        self._timer = None
        loop = asyncio.get_running_loop()
        if self.acknowledging_now == 0 and loop.time() < self._busy_until:
            self._timer = loop.call_at(self._busy_until, self._when_quiet)
            return
        self._admit()

    def give_to_this_delivery(self) -> None:
        """The running delivery's listener works in these turns: called from a Bolt
        middleware, as Bolt starts the listener's task after it, and the task keeps what
        is set here."""
        _TURNS.set(self)


@asynccontextmanager
async def delivery_turn(*, urgent: bool = False) -> AsyncIterator[None]:
    """A turn for the running delivery's work, if its app takes turns (once per task:
    a block inside another runs in the same turn). ``urgent`` work does not wait: what
    must reach Slack within seconds of the click (a form opened with its trigger_id)."""
    turns = _TURNS.get()
    if turns is None or urgent or _HOLDING.get():
        yield
        return
    async with turns.turn():
        yield
