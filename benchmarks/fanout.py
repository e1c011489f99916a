"""How long a big workshop takes to reach everyone: from ``/p2p start … mode=all`` until
every person has their first question by DM.

For 10, 100 and 500 people, the real app runs against the emulated Slack over loopback
HTTP, once with Slack-like rate limits and once without. Beside each figure:

- with limits, the floor those limits allow: chat.postMessage takes a workspace-wide
  burst of 60, then 10 a second (bot/sandbox/ratelimit.py), and the start posts one
  message in the channel besides the DMs;
- without limits, a reference client measured in the same run against the same sandbox:
  slack_sdk's AsyncWebClient posting the same DMs (each person's first question, text
  and blocks as p2p sent it, so the sandbox checks the same Block Kit), 16 at a time.

    python benchmarks/fanout.py [--sizes 10,100,500]

Targets: with limits, 500 people within 1.2x the floor and 100 within 1.5x; without
limits, 500 people within 3x the reference client. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# the reference is slack_sdk itself, beside p2p
from slack_sdk.web.async_client import AsyncWebClient  # noqa: TID251

from bot.cli.demo import serving_the_sandbox
from bot.sandbox import Sandbox, SandboxSettings

SIGNING_SECRET = "fanout-signing-secret"
BOT_TOKEN = "xoxb-fanout"
SIZES = (10, 100, 500)
REFERENCE_IN_FLIGHT = 16
DEADLINE_SECONDS = 300.0

# chat.postMessage across the workspace, as the sandbox publishes it (bot/sandbox/ratelimit.py)
POST_BURST = 60
POSTS_PER_SECOND = 10.0
CHANNEL_POSTS = 1  # the start is announced in the channel: one message besides the DMs

# the targets, as ratios: (people, limits) -> at most this
TARGETS = {(500, "slack"): 1.2, (100, "slack"): 1.5, (500, "off"): 3.0}


def floor_seconds(people: int) -> float:
    """The least time the limits allow for ``people`` DMs and the channel's message."""
    return max(0, people + CHANNEL_POSTS - POST_BURST) / POSTS_PER_SECOND


@dataclass(frozen=True)
class Run:
    people: int
    limits: str
    seconds: float
    posts: int  # chat.postMessage calls p2p made, 429s included
    limited: int  # of those, answered 429
    reference: float | None = None  # limits off: the reference client's seconds


def start_text(names: list[str]) -> str:
    """Everyone in one of seven roles, all interviewed at once."""
    roles = ("product", "eng", "qa", "ops", "support", "mgmt", "shared")
    groups: dict[str, list[str]] = {}
    for n, name in enumerate(names):
        groups.setdefault(roles[n % len(roles)], []).append(f"@{name}")
    assignments = " ".join(f"{role}={','.join(people)}" for role, people in groups.items())
    return f'start "Fan-out" {assignments} mode=all'


def first_dms_out(sandbox: Sandbox, people: list[str]) -> bool:
    return all(sandbox.dm_messages(p) for p in people)


async def reference_client(sandbox: Sandbox, people: list[str]) -> float:
    """slack_sdk's own client posting each of ``people`` the first DM p2p sent them,
    16 at a time."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=sandbox.api_url)
    slots = asyncio.Semaphore(REFERENCE_IN_FLIGHT)
    first = {p: sandbox.dm_messages(p)[0] for p in people}

    async def post(user_id: str) -> None:
        message = first[user_id]
        async with slots:
            await client.chat_postMessage(
                channel=user_id, text=message.text, blocks=message.blocks or None
            )

    began = time.monotonic()
    await asyncio.gather(*(post(p) for p in people))
    return time.monotonic() - began


async def measure(people: int, limits: str) -> Run:
    with tempfile.TemporaryDirectory(prefix="p2p-fanout-") as folder:
        sandbox = Sandbox(
            SandboxSettings(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, rate_limits=limits)
        )
        await sandbox.start()
        database_url = f"sqlite+aiosqlite:///{Path(folder) / 'p2p.db'}"
        async with serving_the_sandbox(sandbox, database_url):
            facilitator = sandbox.add_user("facilitator", real_name="Facilitator", tz="UTC")
            names = [f"person{n:03d}" for n in range(people)]
            ids = [sandbox.add_user(name, real_name=name.title(), tz="UTC") for name in names]
            channel = sandbox.add_channel("path-to-prod", members=[facilitator, *ids])
            calls_before = len(sandbox.calls)
            began = time.monotonic()
            await sandbox.slash_command(facilitator, channel, "/p2p", start_text(names))
            await sandbox.wait_for(
                lambda: first_dms_out(sandbox, ids), timeout=DEADLINE_SECONDS, interval=0.01
            )
            seconds = time.monotonic() - began
            posts = [c for c in sandbox.calls[calls_before:] if c.method == "chat.postMessage"]
            reference = await reference_client(sandbox, ids) if limits == "off" else None
            await sandbox.settle(quiet=0.2, timeout=60)
    return Run(
        people=people,
        limits=limits,
        seconds=seconds,
        posts=len(posts),
        limited=sum(1 for c in posts if c.status == 429),
        reference=reference,
    )


def report(run: Run) -> tuple[str, float | None]:
    """A line for the run, and its ratio to what it is compared with."""
    head = f"{run.people:>5}  {run.limits:<6} {run.seconds:8.2f} s  {run.posts:>5} posts"
    head += f" ({run.limited} answered 429)"
    if run.limits == "slack":
        floor = floor_seconds(run.people)
        if floor <= 0:
            return f"{head}  floor 0.00 s (within the burst)", None
        ratio = run.seconds / floor
        return f"{head}  floor {floor:.2f} s  ratio {ratio:.2f}x", ratio
    assert run.reference is not None
    ratio = run.seconds / run.reference
    return f"{head}  reference client {run.reference:.2f} s  ratio {ratio:.2f}x", ratio


async def main(sizes: list[int]) -> int:
    print("people limits   to all DMs   chat.postMessage            compared with")
    missed = []
    for people in sizes:
        for limits in ("slack", "off"):
            line, ratio = report(await measure(people, limits))
            target = TARGETS.get((people, limits))
            if target is not None and ratio is not None:
                met = ratio <= target
                line += f"  (target <= {target}x: {'met' if met else 'MISSED'})"
                if not met:
                    missed.append((people, limits))
            print(line, flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main([int(s) for s in arguments.sizes.split(",")])))
