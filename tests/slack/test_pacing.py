"""Slack's Web API paced per method: once a call of a method is answered 429, the calls of
that method made meanwhile wait for Retry-After instead of each being turned away; and
people are listed 200 a page, not looked up one by one (counts of calls, not timings)."""

from __future__ import annotations

import asyncio
import math

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler

from bot.sandbox import Sandbox, SandboxSettings
from bot.slack.directory import PAGE_SIZE, SlackDirectory
from bot.slack.pacing import MethodPacing, PacedRateLimitRetryHandler, PacedWebClient, method_of

BOT_TOKEN = "xoxb-pacing"


class HeldClock:
    """Monotonic seconds that move only when the test says so, and a sleep that returns
    only once they have moved far enough."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self.moved = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await self.moved.wait()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.moved.set()


def paced_client(sandbox: Sandbox, pacing: MethodPacing) -> PacedWebClient:
    return PacedWebClient(
        token=BOT_TOKEN,
        base_url=sandbox.api_url,
        pacing=pacing,
        retry_handlers=[
            PacedRateLimitRetryHandler(pacing, AsyncRateLimitErrorRetryHandler(max_retry_count=3))
        ],
    )


def test_the_method_is_read_from_the_url() -> None:
    assert method_of("https://slack.com/api/chat.postMessage") == "chat.postMessage"
    assert method_of("http://127.0.0.1:4000/api/users.list?cursor=x") == "users.list"


async def test_a_hold_makes_every_caller_wait_until_it_passes() -> None:
    clock = HeldClock()
    pacing = MethodPacing(clock=clock, sleep=clock.sleep)
    pacing.hold("chat.postMessage", 2.0)
    pacing.hold("chat.postMessage", 1.0)  # a shorter hold does not cut a longer one
    assert pacing.remaining("chat.postMessage") == 2.0
    assert pacing.remaining("users.list") == 0.0
    await pacing.wait("users.list")  # another method is not held
    waiting = [asyncio.create_task(pacing.wait("chat.postMessage")) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert not any(w.done() for w in waiting)
    assert clock.sleeps == [2.0], "one waits on the clock, the others wait their turn"
    clock.advance(2.0)
    await asyncio.gather(*waiting)


async def test_calls_made_during_a_429_wait_for_it_instead_of_being_refused() -> None:
    clock = HeldClock()
    pacing = MethodPacing(clock=clock, sleep=clock.sleep)
    async with Sandbox(SandboxSettings(bot_token=BOT_TOKEN, rate_limits="off")) as sandbox:
        people = [sandbox.add_user(f"person{n}") for n in range(4)]
        sandbox.limit_next("chat.postMessage", times=1, retry_after=3)
        client = paced_client(sandbox, pacing)
        first = asyncio.create_task(client.chat_postMessage(channel=people[0], text="one"))
        await sandbox.wait_for(lambda: pacing.remaining("chat.postMessage") > 0)
        others = [
            asyncio.create_task(client.chat_postMessage(channel=p, text="more")) for p in people[1:]
        ]
        await asyncio.sleep(0.1)
        assert len(sandbox.calls_to("chat.postMessage")) == 1, "the others wait"
        clock.advance(3.0)
        await asyncio.gather(first, *others)
        statuses = [c.status for c in sandbox.calls_to("chat.postMessage")]
    assert statuses == [429, 200, 200, 200, 200]
    assert clock.sleeps[0] == 3.0


async def test_people_are_listed_two_hundred_a_page_until_all_are_found() -> None:
    async with Sandbox(SandboxSettings(bot_token=BOT_TOKEN, rate_limits="off")) as sandbox:
        people = [sandbox.add_user(f"person{n:03d}", tz="Asia/Tokyo") for n in range(450)]
        directory = SlackDirectory(paced_client(sandbox, MethodPacing()))
        listed = await directory.people(people)
        pages = len(sandbox.calls_to("users.list"))
        first_few = await directory.people(people[:5])
        pages_for_few = len(sandbox.calls_to("users.list")) - pages
        looked_up = len(sandbox.calls_to("users.info"))
        everybody = len(sandbox.workspace.users)
    assert sorted(p.user_id for p in listed) == sorted(people)
    assert {p.time_zone for p in listed} == {"Asia/Tokyo"}
    assert pages == math.ceil(everybody / PAGE_SIZE)
    assert pages_for_few == 1, "no page is read once everyone asked for is found"
    assert len(first_few) == 5
    assert looked_up == 0
