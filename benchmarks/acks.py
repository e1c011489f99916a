"""Acks: how fast ``p2p serve`` answers Slack, and what it costs, against a bare Bolt app.

Two processes run side by side, against the emulated Slack (bot/sandbox/, in a third
process, so that it shares no event loop with the one timing the acks) for the Web API:
a real ``python -m bot serve`` on a throw-away SQLite file, and a bare Bolt ``AsyncApp``
served by Bolt's aiohttp adapter that acks the same slash command, DM event and button
click with the same signing secret and does nothing else. This script sends both the
same correctly signed requests, in rounds that alternate between them (p2p first in one
round, the bare app first in the next), in two shapes:

- closed loop: ``--concurrency`` senders (8), each sending its next request as soon as the
  last one was answered;
- open loop: requests at a fixed ``--rate`` (100 a second), whatever the answers do.

It prints, per request kind and shape, the p50/p90/p99 of the time to the ack as a ratio
p2p / bare Bolt (absolute milliseconds beside them, as diagnostics), the CPU each process
used per request (from /proc/<pid>/stat, the work done after the ack included), and each
process's peak resident memory after start-up, idle (VmHWM from /proc/<pid>/status).

    python benchmarks/acks.py [--rounds 5] [--requests 200] [--concurrency 8] [--rate 100]

Linux only (/proc). Exit status 0 when every request was acked with HTTP 200, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bot.sandbox import Sandbox, SandboxSettings
from bot.slack.ids import ActionId

SIGNING_SECRET = "acks-signing-secret"
BOT_TOKEN = "xoxb-acks"
KINDS = ("command", "dm", "click")
SHAPES = ("closed", "open")
SETTLE_SECONDS = 0.5  # after a block of requests, for the work done after the acks
IDLE_CPU_SECONDS = 0.005  # a process that used less CPU than this in SETTLE_SECONDS is idle
SETTLE_LIMIT_SECONDS = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

BARE_BOLT = textwrap.dedent(
    """
    import logging, os, sys
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    logging.basicConfig(level=logging.WARNING)
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/p2p")
    async def command(ack):
        await ack()

    @app.event("message")
    async def message(body):
        pass

    @app.action(sys.argv[1])
    async def click(ack):
        await ack()

    web.run_app(app.web_app(path="/slack/events"), host="127.0.0.1", port=int(os.environ["PORT"]),
                print=None, access_log=None)
    """
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the two processes ---------------------------------------------------------------------------


@dataclass
class Target:
    """One process that answers Slack: its name, command line, and where it listens."""

    name: str
    argv: list[str]
    environment: dict[str, str]
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    idle_peak_kib: int = 0
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self) -> None:
        self._log = (self.folder / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env={**self.environment, "PORT": str(self.port)},
            cwd=self.folder,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    async def wait_listening(self, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit(f"acks: {self.name} stopped; see {self.folder}/{self.name}.log")
            with contextlib.suppress(OSError):
                _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            await asyncio.sleep(0.05)
        raise SystemExit(f"acks: {self.name} never listened on port {self.port}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime

    def peak_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()


def build_targets(api_url: str, folder: Path) -> tuple[Target, Target]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))
    }
    environment.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        LOG_LEVEL="WARNING",
    )
    p2p_environment = {
        **environment,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'p2p.db'}",
    }
    script = folder / "bare_bolt.py"
    script.write_text(BARE_BOLT)
    p2p = Target("p2p", [sys.executable, "-m", "bot", "serve"], p2p_environment, folder)
    bare = Target(
        "bare-bolt", [sys.executable, str(script), str(ActionId.NEVER_MIND)], environment, folder
    )
    return p2p, bare


# -- signed requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """Who sends the requests, and where p2p's replies to a response_url go."""

    team_id: str
    app_id: str
    user_id: str
    channel_id: str
    dm_id: str
    response_url: str


class Requests:
    """Slack's payloads, numbered so that no two are the same delivery."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._numbers = itertools.count(1)

    def build(self, kind: str) -> tuple[bytes, str]:
        """The body and its content type."""
        number = next(self._numbers)
        w = self.workspace
        if kind == "command":
            form = {
                "token": "legacy",
                "team_id": w.team_id,
                "team_domain": "acks",
                "channel_id": w.channel_id,
                "channel_name": "acks",
                "user_id": w.user_id,
                "user_name": "bench",
                "command": "/p2p",
                "text": "status",
                "api_app_id": w.app_id,
                "response_url": w.response_url,
                "trigger_id": f"{number}.1.acks",
            }
            return urlencode(form).encode(), "application/x-www-form-urlencoded"
        if kind == "dm":
            ts = f"{1_700_000_000 + number}.{number % 1_000_000:06d}"
            event = {
                "token": "legacy",
                "team_id": w.team_id,
                "api_app_id": w.app_id,
                "type": "event_callback",
                "event_id": f"Ev{number:012d}",
                "event_time": 1_700_000_000 + number,
                "authorizations": [{"team_id": w.team_id, "user_id": "UBOT", "is_bot": True}],
                "event": {
                    "type": "message",
                    "channel_type": "im",
                    "channel": w.dm_id,
                    "user": w.user_id,
                    "text": "hello",
                    "ts": ts,
                    "event_ts": ts,
                },
            }
            return json.dumps(event).encode(), "application/json"
        payload = {
            "type": "block_actions",
            "team": {"id": w.team_id, "domain": "acks"},
            "user": {"id": w.user_id, "team_id": w.team_id, "name": "bench"},
            "api_app_id": w.app_id,
            "token": "legacy",
            "container": {"type": "message", "channel_id": w.channel_id, "message_ts": "1.1"},
            "channel": {"id": w.channel_id, "name": "acks"},
            "trigger_id": f"{number}.2.acks",
            "response_url": w.response_url,
            "actions": [
                {
                    "action_id": str(ActionId.NEVER_MIND),
                    "block_id": "confirm",
                    "type": "button",
                    "value": w.channel_id,
                    "action_ts": f"{1_700_000_000 + number}.000001",
                }
            ],
        }
        return urlencode({"payload": json.dumps(payload)}).encode(), (
            "application/x-www-form-urlencoded"
        )


def signed_headers(body: bytes, content_type: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


# -- load ----------------------------------------------------------------------------------------


@dataclass
class Block:
    """What one block of requests to one target measured."""

    latencies: list[float] = field(default_factory=list)  # seconds to the ack
    failures: int = 0
    cpu: float = 0.0  # seconds of the target's CPU
    requests: int = 0


Sender = Callable[[], Coroutine[Any, Any, None]]


async def send_one(
    session: aiohttp.ClientSession, target: Target, requests: Requests, kind: str, block: Block
) -> None:
    body, content_type = requests.build(kind)
    headers = signed_headers(body, content_type)
    started = time.perf_counter()
    try:
        async with session.post(target.url, data=body, headers=headers) as response:
            await response.read()
            ok = response.status == 200
    except aiohttp.ClientError:
        ok = False
    block.latencies.append(time.perf_counter() - started)
    block.requests += 1
    if not ok:
        block.failures += 1


async def closed_loop(count: int, concurrency: int, send: Sender) -> None:
    remaining = iter(range(count))

    async def sender() -> None:
        for _ in remaining:
            await send()

    await asyncio.gather(*(sender() for _ in range(concurrency)))


async def open_loop(count: int, rate: float, send: Sender) -> None:
    started = time.perf_counter()
    tasks: list[asyncio.Task[None]] = []
    for n in range(count):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send()))
    await asyncio.gather(*tasks)


async def run_block(
    session: aiohttp.ClientSession,
    target: Target,
    requests: Requests,
    kind: str,
    shape: str,
    options: argparse.Namespace,
) -> Block:
    block = Block()

    async def send() -> None:
        await send_one(session, target, requests, kind, block)

    cpu_before = target.cpu_seconds()
    if shape == "closed":
        await closed_loop(options.requests, options.concurrency, send)
    else:
        await open_loop(options.requests, options.rate, send)
    await settle(target)
    block.cpu = target.cpu_seconds() - cpu_before
    return block


async def settle(target: Target) -> None:
    """Wait until the target has done the work it does after the acks (its CPU time stops
    growing), so that it neither runs beside the next block nor goes uncounted."""
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    used = target.cpu_seconds()
    while time.monotonic() < deadline:
        await asyncio.sleep(SETTLE_SECONDS)
        used, before = target.cpu_seconds(), used
        if used - before < IDLE_CPU_SECONDS:
            return


async def warm_up(
    session: aiohttp.ClientSession,
    target: Target,
    requests: Requests,
    kind: str,
    options: argparse.Namespace,
) -> None:
    """Requests that are not counted: the first ones fill caches on both sides."""
    discarded = Block()

    async def send() -> None:
        await send_one(session, target, requests, kind, discarded)

    await closed_loop(options.warmup, options.concurrency, send)


# -- figures ---------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class Tally:
    """Every block of one kind and shape, per target."""

    blocks: dict[str, list[Block]] = field(default_factory=dict)

    def add(self, name: str, block: Block) -> None:
        self.blocks.setdefault(name, []).append(block)

    def latencies(self, name: str) -> list[float]:
        return [t for b in self.blocks.get(name, []) for t in b.latencies]

    def round_p99s(self, name: str) -> list[float]:
        return [percentile(b.latencies, 0.99) for b in self.blocks.get(name, [])]

    def cpu_per_request(self, name: str) -> float:
        blocks = self.blocks.get(name, [])
        return sum(b.cpu for b in blocks) / max(1, sum(b.requests for b in blocks))

    def failures(self, name: str) -> int:
        return sum(b.failures for b in self.blocks.get(name, []))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(tallies: dict[tuple[str, str], Tally], p2p: Target, bare: Target) -> int:
    failures = 0
    print()
    print(f"{'kind':8} {'shape':7} {'':>6} {'p50':>14} {'p90':>14} {'p99':>14} {'CPU/req':>16}")
    for (kind, shape), tally in tallies.items():
        mine, theirs = tally.latencies(p2p.name), tally.latencies(bare.name)
        cells = []
        for share in (0.50, 0.90, 0.99):
            a, b = percentile(mine, share), percentile(theirs, share)
            cells.append(f"{a / b:5.2f}x {ms(a):>4}/{ms(b):<4}")
        cpu_a, cpu_b = tally.cpu_per_request(p2p.name), tally.cpu_per_request(bare.name)
        cpu = f"{cpu_a / cpu_b:5.2f}x {ms(cpu_a)}/{ms(cpu_b)}" if cpu_b else "-"
        print(f"{kind:8} {shape:7} {'ratio':>6} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14} {cpu}")
        print(
            f"{'':8} {'':7} {'':>6} p99 per round, ms: p2p "
            + " ".join(ms(v) for v in tally.round_p99s(p2p.name))
            + " | bare "
            + " ".join(ms(v) for v in tally.round_p99s(bare.name))
        )
        failures += tally.failures(p2p.name) + tally.failures(bare.name)
    print()
    ratio = p2p.idle_peak_kib / bare.idle_peak_kib
    print(
        f"idle peak RSS: {ratio:.2f}x  (p2p {p2p.idle_peak_kib / 1024:.1f} MiB, "
        f"bare Bolt {bare.idle_peak_kib / 1024:.1f} MiB)"
    )
    print("(ratio, then p2p/bare Bolt in ms; CPU per request includes the work after the ack)")
    if failures:
        print(f"acks: {failures} request(s) were not acked with HTTP 200")
    return 1 if failures else 0


# -- the run -------------------------------------------------------------------------------------


async def response_sink() -> tuple[web.AppRunner, str]:
    """Where p2p's replies to a response_url go: accepted, and dropped."""

    async def accept(_request: web.Request) -> web.Response:
        await _request.read()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/respond", accept)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/respond"


async def serve_slack(connection: Connection) -> None:
    """The emulated Slack and the response_url sink, until the parent says stop."""
    sandbox = Sandbox(
        SandboxSettings(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, rate_limits="off")
    )
    await sandbox.start()
    sink, response_url = await response_sink()
    user = sandbox.add_user("bench", real_name="Bench Person", tz="UTC")
    channel = sandbox.add_channel("acks", members=[user])
    workspace = Workspace(
        team_id=sandbox.team_id,
        app_id=sandbox.workspace.app_id,
        user_id=user,
        channel_id=channel,
        dm_id=sandbox.workspace.bot_im(user).id,
        response_url=response_url,
    )
    connection.send((sandbox.api_url, workspace))
    try:
        await asyncio.get_running_loop().run_in_executor(None, connection.recv)
    finally:
        await sink.cleanup()
        await sandbox.stop()


def slack_process(connection: Connection) -> None:
    asyncio.run(serve_slack(connection))


async def measure(options: argparse.Namespace, folder: Path) -> int:
    # Slack runs in a process of its own: the work p2p does after its acks (posting
    # replies) must not hold up the loop that times the acks.
    here, there = multiprocessing.get_context("spawn").Pipe()
    slack = multiprocessing.get_context("spawn").Process(target=slack_process, args=(there,))
    slack.start()
    api_url, workspace = await asyncio.get_running_loop().run_in_executor(None, here.recv)
    requests = Requests(workspace)
    p2p, bare = build_targets(api_url, folder)
    connector = aiohttp.TCPConnector(limit=0)
    session = aiohttp.ClientSession(connector=connector)
    try:
        for target in (p2p, bare):
            target.start()
        for target in (p2p, bare):
            await target.wait_listening()
        await asyncio.sleep(1.0)  # start-up done: what it holds now is what it needs idle
        for target in (p2p, bare):
            target.idle_peak_kib = target.peak_kib()
        for target in (p2p, bare):
            for kind in options.kinds:
                await warm_up(session, target, requests, kind, options)
        await asyncio.sleep(SETTLE_SECONDS)
        tallies = {(kind, shape): Tally() for kind in options.kinds for shape in SHAPES}
        for number in range(options.rounds):
            order = (p2p, bare) if number % 2 == 0 else (bare, p2p)
            for kind in options.kinds:
                for shape in SHAPES:
                    for target in order:
                        block = await run_block(session, target, requests, kind, shape, options)
                        tallies[kind, shape].add(target.name, block)
            print(f"round {number + 1} of {options.rounds} done", flush=True)
        return report(tallies, p2p, bare)
    finally:
        await session.close()
        for target in (p2p, bare):
            target.stop()
        here.send("stop")
        slack.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="per kind, shape and round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=100.0, help="requests a second, open loop")
    parser.add_argument(
        "--kinds", nargs="+", choices=KINDS, default=list(KINDS), help="which requests to send"
    )
    parser.add_argument("--warmup", type=int, default=40, help="requests per kind, not counted")
    parser.add_argument("--keep", type=Path, default=None, help="keep logs and database here")
    options = parser.parse_args(argv)
    if options.keep is not None:
        options.keep.mkdir(parents=True, exist_ok=True)
        return asyncio.run(measure(options, options.keep.resolve()))
    with tempfile.TemporaryDirectory(prefix="p2p-acks-") as folder:
        return asyncio.run(measure(options, Path(folder)))


if __name__ == "__main__":
    sys.exit(main())
