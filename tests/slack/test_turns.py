"""Acks first: the work after the acks takes turns (bot/slack/listeners/turns.py).

Counts of what is running and waiting, not timings: each piece of work is a task that
holds its turn until the test lets it finish."""

from __future__ import annotations

import asyncio

import pytest

from bot.slack.listeners.turns import Turns, delivery_turn


class Work:
    """Pieces of work that start in a turn and finish when told."""

    def __init__(self, turns: Turns) -> None:
        self.turns = turns
        self.started: list[int] = []
        self.finish: dict[int, asyncio.Event] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}

    def add(self, number: int) -> None:
        self.finish[number] = asyncio.Event()

        async def work() -> None:
            async with self.turns.turn():
                self.started.append(number)
                await self.finish[number].wait()

        self.tasks[number] = asyncio.create_task(work())

    async def done(self, number: int) -> None:
        self.finish[number].set()
        await self.tasks[number]
        await settle()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_when_no_request_is_coming_work_runs_at_once_up_to_the_limit_in_order() -> None:
    turns = Turns(at_once=2)
    work = Work(turns)
    for number in range(5):
        work.add(number)
    await settle()
    assert work.started == [0, 1]
    assert (turns.running, turns.waiting) == (2, 3)
    await work.done(1)
    assert work.started == [0, 1, 2], "the next in line, not any other"
    for number in (0, 2, 3, 4):
        await work.done(number)
    assert work.started == [0, 1, 2, 3, 4]
    assert (turns.running, turns.waiting) == (0, 0)


async def test_while_requests_keep_coming_one_piece_of_work_runs_and_it_never_stops() -> None:
    turns = Turns(at_once=8, while_busy=1, quiet_seconds=0.02)
    work = Work(turns)
    with turns.acknowledging():
        for number in range(3):
            work.add(number)
        await settle()
        assert work.started == [0], "one runs even while a request is being acknowledged"
        await work.done(0)
        assert work.started == [0, 1], "the work goes on one at a time"
    await settle()
    assert work.started == [0, 1], "requests came moments ago: still one at a time"
    assert turns.requests_keep_coming()
    await asyncio.sleep(0.1)  # no request for longer than quiet_seconds
    assert not turns.requests_keep_coming()
    assert work.started == [0, 1, 2], "once requests pause, the rest starts"
    for number in (1, 2):
        await work.done(number)
    assert turns.running == 0


async def test_a_request_during_the_quiet_time_holds_the_work_back_again() -> None:
    turns = Turns(at_once=8, while_busy=1, quiet_seconds=0.05)
    work = Work(turns)
    work.add(0)
    await settle()
    with turns.acknowledging():
        pass
    work.add(1)
    await asyncio.sleep(0.03)
    with turns.acknowledging():
        pass
    await asyncio.sleep(0.03)  # 60 ms after the first ack, 30 ms after the second
    assert work.started == [0]
    await asyncio.sleep(0.06)
    assert work.started == [0, 1]
    for number in (0, 1):
        await work.done(number)


async def test_while_requests_keep_coming_at_most_while_busy_run() -> None:
    turns = Turns(at_once=8, while_busy=2, quiet_seconds=60)
    work = Work(turns)
    with turns.acknowledging():
        pass  # a request moments ago: they keep coming for the next minute
    for number in range(4):
        work.add(number)
    await settle()
    assert work.started == [0, 1]
    await work.done(0)
    assert work.started == [0, 1, 2]
    for number in (1, 2, 3):
        await work.done(number)
    assert work.started == [0, 1, 2, 3]


async def test_a_cancelled_wait_gives_up_its_place() -> None:
    turns = Turns(at_once=1)
    work = Work(turns)
    for number in range(3):
        work.add(number)
    await settle()
    work.tasks[1].cancel()
    with pytest.raises(asyncio.CancelledError):
        await work.tasks[1]
    await work.done(0)
    assert work.started == [0, 2]
    assert (turns.running, turns.waiting) == (1, 0)
    await work.done(2)
    assert turns.running == 0


async def test_work_that_fails_gives_its_turn_back() -> None:
    turns = Turns(at_once=1)
    with pytest.raises(RuntimeError):
        async with turns.turn():
            raise RuntimeError("the work failed")
    assert turns.running == 0
    async with turns.turn():
        assert turns.running == 1


async def test_a_delivery_takes_one_turn_however_deep_its_work_goes() -> None:
    turns = Turns(at_once=1)

    async def delivery() -> int:
        turns.give_to_this_delivery()
        # the inner block would wait for the outer one if it took a turn of its own
        async with delivery_turn(), delivery_turn():
            return turns.running

    assert await asyncio.wait_for(asyncio.create_task(delivery()), timeout=5) == 1
    assert turns.running == 0


async def test_work_outside_a_delivery_takes_no_turn() -> None:
    async with delivery_turn():
        pass  # no Turns given to this task: nothing to wait for


async def test_urgent_work_does_not_wait_for_a_turn() -> None:
    turns = Turns(at_once=1)
    work = Work(turns)
    work.add(0)
    await settle()
    assert turns.running == 1

    async def open_a_form() -> str:
        turns.give_to_this_delivery()
        async with delivery_turn(urgent=True):
            return "opened"

    opened = await asyncio.wait_for(asyncio.create_task(open_a_form()), timeout=5)
    assert opened == "opened"
    assert turns.running == 1, "the urgent work took no turn"
    await work.done(0)
