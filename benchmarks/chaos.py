"""Chaos: a whole workshop while Slack fails and p2p processes die; what was lost, and
what was sent twice.

The demo's scripted team (prompts/demo/team.toml) runs its seven-role workshop against the
emulated Slack (bot/sandbox/) and real ``p2p serve`` processes sharing one database,
behind a small round-robin proxy. Meanwhile the sandbox fails a share of Web API calls
(HTTP 500, 503, 429 with Retry-After, dropped connections; a failed call has no effect),
delivers a share of events and interactions again (as Slack's retries) and some out of
order, and a process is killed with SIGKILL at seeded points and started again. The team
answers like people: each new question after a moment's thought, and, when p2p has said
nothing for a while after a reply, the same reply again. At the end it counts, from what
the sandbox saw and what the database holds, the answers lost, the questions and nudges
sent twice and the summaries posted.

    python benchmarks/chaos.py [--short] [--seed N] [--database-url URL] [--kills N] ...

Exit status 0 when no answer was lost or stored twice, nothing was sent twice, every
interview finished and the summary was posted exactly once; 1 otherwise. The database is
wiped first: point ``--database-url`` at a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import aiohttp
from aiohttp import web

from bot.cli.demo import DemoPerson, ScriptedParticipant, _question_key, load_demo_team
from bot.sandbox import Delivery, FaultSettings, Message, Sandbox, SandboxSettings
from bot.settings import normalise_database_url
from bot.slack.ids import ActionId, BlockId
from storage import interviews, workshops
from storage.db import Database, unusable_database
from storage.tables import Base

SIGNING_SECRET = "chaos-signing-secret"
BOT_TOKEN = "xoxb-chaos"
DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DAY_SECONDS = 24 * 60 * 60  # a working day, with working hours 00:00-24:00
NUDGE_AFTER_SECONDS = 8.0  # without an answer, one nudge (NUDGE_MAX=1)
NUDGE_MAX = 1
POLL_SECONDS = 0.05
RESENDS_AT_MOST = 3  # times a person sends the same reply again, waiting longer each time
KILL_AFTER_AT_MOST = 0.2  # seconds after the reply that sets off a kill
QUESTION_PREFIX = f"{BlockId.QUESTION}:"


@dataclass(frozen=True)
class ChaosPlan:
    """What fails, how often and how hard. ``short()`` is the preset for CI."""

    database_url: str = DEFAULT_DATABASE_URL
    seed: int = 1
    failed_calls: float = 0.10  # Web API calls answered 500/503/429/dropped, no effect
    lost_responses: float = 0.0  # applied, then answered as failed (Slack's own duplicates)
    redelivered: float = 0.20  # events and interactions delivered twice
    reordered: float = 0.05  # held back until the next delivery is through
    processes: int = 2
    kills: int = 3
    mode: str = "in_turn"  # or "all": every role interviewed at once
    patience: float = 15.0  # seconds without an answer before a person sends a reply again
    deadline: float = 300.0  # seconds for the whole workshop
    log_level: str = "WARNING"

    @classmethod
    def short(cls, **changes: Any) -> ChaosPlan:
        return replace(
            cls(failed_calls=0.05, redelivered=0.10, reordered=0.02, kills=1, deadline=120.0),
            **changes,
        )

    @property
    def faults(self) -> FaultSettings:
        return FaultSettings(
            seed=self.seed,
            failed_calls=self.failed_calls,
            lost_responses=self.lost_responses,
            redelivered=self.redelivered,
            reordered=self.reordered,
        )


# -- p2p serve processes, and the proxy in front of them --------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    """One ``python -m bot serve`` against the sandbox; started again after a kill."""

    def __init__(self, name: str, environment: dict[str, str], folder: Path) -> None:
        self.name = name
        self.environment = environment
        self.folder = folder
        self.port = 0
        self.up = False  # healthy, and taking deliveries
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self) -> None:
        self.port = free_port()
        self._log = (self.folder / f"serve-{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            env={**self.environment, "PORT": str(self.port)},
            cwd=self.folder,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    async def wait_healthy(self, session: aiohttp.ClientSession, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ChaosAborted(f"p2p serve {self.name} stopped; see serve-{self.name}.log")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                    if response.status == 200:
                        self.up = True
                        return
            await asyncio.sleep(0.1)
        raise ChaosAborted(f"p2p serve {self.name} never became healthy")

    def kill(self) -> None:
        """SIGKILL: no goodbye, whatever it was doing."""
        self.up = False
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self._close_log()

    def stop(self) -> None:
        self.up = False
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class ChaosAborted(Exception):
    """The run could not go on (a process would not start, the workshop never began)."""


_HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection"}


class RoundRobin:
    """Slack's request URL: each request goes to the next process that is up, as a load
    balancer would; none up (or the connection breaks) is a 503 or 502, which Slack
    retries for events."""

    def __init__(self, backends: Sequence[ServeProcess]) -> None:
        self.backends = list(backends)
        self.refused = 0
        self._turn = 0
        self._session: aiohttp.ClientSession | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        backend = self._next()
        if backend is None or self._session is None:
            self.refused += 1
            return web.Response(status=503, text="no p2p process is up")
        try:
            async with self._session.post(backend.url, data=body, headers=headers) as answer:
                content = await answer.read()
                kept = {"Content-Type": answer.headers.get("Content-Type", "text/plain")}
                return web.Response(status=answer.status, body=content, headers=kept)
        except (aiohttp.ClientError, TimeoutError):
            self.refused += 1
            return web.Response(status=502, text=f"p2p serve {backend.name} did not answer")

    def _next(self) -> ServeProcess | None:
        for _ in self.backends:
            backend = self.backends[self._turn % len(self.backends)]
            self._turn += 1
            if backend.up:
                return backend
        return None

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        """Listen on loopback; yields the URL to give Slack."""
        app = web.Application()
        app.router.add_post("/slack/events", self.handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            yield f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
        finally:
            await self._session.close()
            await runner.cleanup()


def serve_environment(plan: ChaosPlan, sandbox: Sandbox, database_url: str) -> dict[str, str]:
    """``p2p serve``'s settings: the sandbox, the database, and reminders that come in
    seconds at any hour (one nudge after NUDGE_AFTER_SECONDS without an answer)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=database_url,
        LOG_LEVEL=plan.log_level,
        SCHEDULER_INTERVAL_SECONDS="0.5",
        WORKING_HOURS="00:00-24:00",
        WORKING_DAYS="mon-sun",
        NUDGE_FIRST_AFTER_DAYS=f"{NUDGE_AFTER_SECONDS / DAY_SECONDS:.10f}",
        NUDGE_EVERY_DAYS=f"{NUDGE_AFTER_SECONDS / DAY_SECONDS:.10f}",
        NUDGE_MAX=str(NUDGE_MAX),
        ROLE_ALLOWANCE_DAYS="3",
    )
    return env


# -- the team ----------------------------------------------------------------------------------


@dataclass
class Reply:
    """One message a person typed to p2p, and how Slack delivered it."""

    key: str  # the question it answers
    text: str
    ts: str
    delivery: Delivery
    again: bool  # the same reply, sent again after p2p said nothing

    @property
    def acknowledged(self) -> bool:
        return self.delivery.ok or any(r.ok for r in self.delivery.retries)


class Person:
    """A scripted participant who answers like a person: each new question after a
    moment's thought, but a question shown again word for word only once; and when p2p
    says nothing (but nudge) for ``patience`` seconds after a reply, the same reply
    again, waiting twice as long each time."""

    def __init__(
        self,
        sandbox: Sandbox,
        script: ScriptedParticipant,
        *,
        rng: random.Random,
        patience: float,
        on_reply: Callable[[], None],
    ) -> None:
        self.sandbox = sandbox
        self.script = script
        self.user_id = script.user_id
        self.name = script.person.name
        self.rng = rng
        self.patience = patience
        self.on_reply = on_reply
        self.replies: list[Reply] = []
        self._last_at = 0.0
        self._again = 0
        self._shown: set[tuple[str | None, str]] = set()  # the questions answered, as shown
        self._looked_at: tuple[int, str] = (-1, "")  # the DM when the last look found nothing

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            question = self._new_question()
            if question is not None:
                key = _question_key(question)
                shown = (key, self.sandbox.render(question))
                if shown in self._shown:  # the same message again, word for word
                    self.script.seen.add(question.ts)
                    continue
                self._shown.add(shown)
                text = self.script.reply_to(question)
                if text is not None and key is not None:
                    await asyncio.sleep(self.rng.uniform(0.05, 0.4))
                    await self._send(key, text, again=False)
                continue
            if self._waited_in_vain():
                last = self.replies[-1]
                self._again += 1
                await self._send(last.key, last.text, again=True)
                continue
            await asyncio.sleep(POLL_SECONDS)

    def _new_question(self) -> Message | None:
        messages = self.sandbox.dm_messages(self.user_id)
        # p2p asks each question in a message of its own: while no message came since the
        # last look found none, there is none (hundreds of people look 20 times a second).
        marker = (len(messages), messages[-1].ts if messages else "")
        if marker == self._looked_at:
            return None
        for message in messages:
            if message.user == self.user_id or message.ts in self.script.seen:
                continue
            if _question_key(message) is not None:
                return message
        self._looked_at = marker
        return None

    def _waited_in_vain(self) -> bool:
        """Nothing from p2p since the last reply but nudges, for longer than patience."""
        if not self.replies or self._again >= RESENDS_AT_MOST:
            return False
        waited = time.monotonic() - self._last_at
        if waited < self.patience * (2**self._again):
            return False
        last_ts = float(self.replies[-1].ts)
        return not any(
            message.user != self.user_id
            and float(message.ts) > last_ts
            and not is_nudge(message.blocks or [])
            for message in self.sandbox.dm_messages(self.user_id)
        )

    async def _send(self, key: str, text: str, *, again: bool) -> None:
        if not again:
            self._again = 0
        delivery = await self.sandbox.send_dm(self.user_id, text)
        typed = [m for m in self.sandbox.dm_messages(self.user_id) if m.user == self.user_id]
        self.replies.append(Reply(key, text, typed[-1].ts, delivery, again))
        self._last_at = time.monotonic()
        self.on_reply()


def is_nudge(blocks: Sequence[dict[str, Any]]) -> bool:
    return any(block.get("block_id") == BlockId.NUDGE for block in blocks)


def asked_step(blocks: Sequence[dict[str, Any]]) -> str | None:
    """The step a message from p2p asks (open or answered since), if it asks one."""
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        if block_id.startswith(QUESTION_PREFIX):
            return block_id.removeprefix(QUESTION_PREFIX)
    return None


# -- kills -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kill:
    after_reply: int  # the team's reply that set it off
    process: str


class Killer:
    """SIGKILLs a process a moment after the team's reply number N, for each seeded N,
    and starts it again; one process is down at a time."""

    def __init__(
        self,
        backends: Sequence[ServeProcess],
        *,
        at_replies: Iterable[int],
        rng: random.Random,
        session: aiohttp.ClientSession,
    ) -> None:
        self.backends = list(backends)
        self.pending = sorted(at_replies)
        self.rng = rng
        self.session = session
        self.done: list[Kill] = []
        self.replies = 0
        self._turn = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def reply_sent(self) -> None:
        self.replies += 1
        while self.pending and self.pending[0] <= self.replies:
            self.pending.pop(0)
            task = asyncio.ensure_future(self._kill(self.replies))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _kill(self, after: int) -> None:
        async with self._turn:
            await asyncio.sleep(self.rng.uniform(0.0, KILL_AFTER_AT_MOST))
            victim = self.rng.choice(self.backends)
            victim.kill()
            self.done.append(Kill(after, victim.name))
            victim.start()
            await victim.wait_healthy(self.session)

    async def finish(self) -> None:
        """Wait for restarts under way."""
        if self._tasks:
            await asyncio.gather(*self._tasks)


def kill_points(rng: random.Random, kills: int, replies: int) -> list[int]:
    """``kills`` distinct reply numbers, spread over the interviews (not the first few)."""
    span = range(3, max(4, replies - 3))
    return sorted(rng.sample(span, min(kills, len(span))))


# -- counting ----------------------------------------------------------------------------------


@dataclass
class ChaosReport:
    plan: ChaosPlan
    calls: int = 0
    failed: Counter[str] = field(default_factory=Counter)  # by fault, without effect
    lost_responses: int = 0  # applied, answer lost (Slack's fault model)
    deliveries: int = 0
    redelivered: int = 0
    reordered: int = 0
    refused: int = 0  # deliveries that met a process that was down
    kills: list[Kill] = field(default_factory=list)
    replies: int = 0  # messages the team typed
    replies_again: int = 0  # of them, a reply sent again after p2p said nothing
    answers_stored: int = 0
    answers_lost: int = 0  # answered, acknowledged, not stored
    answers_twice: int = 0  # a reply stored twice, or under a step never asked
    questions_twice: int = 0  # the same step DM'd twice to one person, as a new message
    questions_twice_slack: int = 0  # …after Slack lost the answer to the first post
    nudges: int = 0
    nudges_twice: int = 0
    nudges_twice_slack: int = 0  # …after Slack lost the answer to the first post
    summaries: int = 0  # top-level summary posts in the channel
    summaries_slack: int = 0  # …posted again after Slack lost the answer to a post
    interviews: int = 0
    interviews_done: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.answers_lost == 0
            and self.answers_twice == 0
            and self.questions_twice == 0
            and self.nudges_twice == 0
            and self.summaries == 1
            and self.interviews_done == self.interviews
        )


@dataclass(frozen=True)
class Posted:
    """A message p2p posted to a person, as it sent it."""

    ts: str
    step: str | None  # the step it asks, if it asks one
    content: str  # its text and blocks, as sent
    nudge: bool


def posted_to(sandbox: Sandbox, user_id: str) -> list[Posted]:
    """Everything p2p posted in the person's DM, oldest first, as the Web API got it (a
    message updated since is as it was first posted)."""
    dm = sandbox.dm_channel(user_id)
    posted = []
    for call in sandbox.calls_to("chat.postMessage"):
        if not call.ok or call.response.get("channel") != dm:
            continue
        blocks = call.args.get("blocks")
        shaped = [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []
        content = json.dumps([call.args.get("text"), shaped], sort_keys=True)
        ts = str(call.response["ts"])
        posted.append(Posted(ts, asked_step(shaped), content, is_nudge(shaped)))
    return posted


@dataclass
class SentTwice:
    """What p2p posted to one person twice."""

    questions: int = 0
    questions_slack: int = 0  # a copy after Slack lost the answer to the first post
    nudges: int = 0
    nudges_twice: int = 0
    nudges_twice_slack: int = 0
    asked: set[str] = field(default_factory=set)  # every step asked


def count_sent_twice(
    posted: Sequence[Posted], typed: Sequence[str], lost_ts: set[str]
) -> SentTwice:
    """From what p2p posted to one person, and the timestamps of what they ``typed``.

    A question is sent twice when p2p posts a step exactly as it posted it before: a
    re-ask (for the rest of a step, or after a reply p2p could not read) says what it
    still needs, so it differs. A nudge is sent twice when more than NUDGE_MAX come with
    nothing typed in between. A copy of a post whose answer Slack lost (so the client
    posted it again) is Slack's fault model, counted apart."""
    found = SentTwice()
    first_posted: dict[tuple[str, str], str] = {}  # (step, content) -> ts of its first post
    moments = sorted(
        [(float(ts), ts, None) for ts in typed] + [(float(p.ts), p.ts, p) for p in posted],
        key=lambda moment: moment[0],
    )
    nudged: list[Posted] = []
    for _, ts, message in moments:
        if message is None:
            nudged.clear()
            continue
        if message.nudge:
            found.nudges += 1
            if len(nudged) >= NUDGE_MAX:
                if _after_lost(nudged[-1], posted, lost_ts):
                    found.nudges_twice_slack += 1
                else:
                    found.nudges_twice += 1
            nudged.append(message)
        if message.step is None:
            continue
        found.asked.add(message.step)
        key = (message.step, message.content)
        if key not in first_posted:
            first_posted[key] = ts
        elif _after_lost(message, posted, lost_ts):
            found.questions_slack += 1
        else:
            found.questions += 1
    return found


def _after_lost(message: Posted, posted: Sequence[Posted], lost_ts: set[str]) -> bool:
    """Whether a copy of this post was answered to p2p as failed, though it was posted."""
    return any(p.ts in lost_ts and p.content == message.content for p in posted)


async def count_answers(
    database: Database, people: Sequence[Person], asked: dict[str, set[str]], report: ChaosReport
) -> None:
    """Stored, lost, and stored twice: what each person answered against the database."""
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        if workshop is None:
            report.problems.append("no workshop was stored")
            return
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        answers = await interviews.list_answers(session, workshop_id=workshop.id)
    owner = {i.id: i.user_id for i in everyone}
    report.interviews = len(everyone)
    report.interviews_done = sum(i.finished_at is not None for i in everyone)
    stored: dict[tuple[str, str], str] = {
        (owner[a.interview_id], a.question_key): a.raw_text for a in answers
    }
    report.answers_stored = len(stored)
    for person in people:
        given: dict[str, Counter[str]] = {}
        for reply in person.replies:
            if reply.acknowledged:
                given.setdefault(reply.key, Counter())[reply.text.strip()] += not reply.again
        for key, texts in given.items():
            raw = stored.get((person.user_id, key))
            if raw is None:
                report.answers_lost += 1
                report.problems.append(f"{person.name}: the answer to {key} is not stored")
                continue
            for text, count in Counter(raw.split("\n")).items():
                if count > max(1, texts.get(text, 0)):
                    report.answers_twice += 1
                    report.problems.append(f"{person.name}: {key} holds {text!r} {count} times")
        for (user_id, key), _ in stored.items():
            if user_id == person.user_id and key not in asked.get(user_id, set()):
                report.answers_twice += 1
                report.problems.append(f"{person.name}: an answer stored under {key}, never asked")


def count_summaries(sandbox: Sandbox, channel: str, lost_ts: set[str]) -> tuple[int, int]:
    """(summaries in the channel, copies of them posted again after Slack lost the answer
    to a post): top-level posts by p2p whose thread offers "Show the path, stage by stage"."""
    posted = [
        m.ts
        for m in sandbox.channel_messages(channel)
        if m.user == sandbox.bot_user_id and any(_offers_stages(reply) for reply in m.replies)
    ]
    again = sum(ts in lost_ts for ts in posted[:-1])
    return len(posted) - again, again


def _offers_stages(message: Message) -> bool:
    return any(
        (block.get("accessory") or {}).get("action_id") == ActionId.SHOW_STAGES
        for block in message.blocks or []
    )


# -- the run -----------------------------------------------------------------------------------


async def prepare_database(url: str, *, wipe: bool) -> str:
    """The database, migrated; with ``wipe``, p2p's tables are dropped first (SQLite: the
    file is deleted)."""
    url = normalise_database_url(url)
    try:
        if wipe and url.startswith("sqlite"):
            _delete_sqlite(Path(url.split(":///", 1)[1]))
        elif wipe:
            import asyncpg  # only to drop the tables; everything else goes through storage/

            names = ", ".join(f'"{name}"' for name in [*Base.metadata.tables, "alembic_version"])
            connection = await asyncpg.connect(
                url.replace("postgresql+asyncpg://", "postgresql://")
            )
            try:
                await connection.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
            finally:
                await connection.close()
        database = Database(url)
        try:
            await database.migrate()
        finally:
            await database.dispose()
    except Exception as error:
        problem = unusable_database(url, error)
        if problem is None:
            raise
        raise ChaosAborted(f"{problem}; or pass --database-url") from error
    return url


def _delete_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def run_chaos(plan: ChaosPlan, folder: Path, *, wipe: bool = True) -> ChaosReport:
    """Run the team's workshop under ``plan``'s faults; the processes log into ``folder``."""
    started = time.monotonic()
    database_url = await prepare_database(plan.database_url, wipe=wipe)
    team = load_demo_team()
    rng = random.Random(f"{plan.seed}:chaos")
    report = ChaosReport(plan=plan)
    sandbox = Sandbox(
        SandboxSettings(
            signing_secret=SIGNING_SECRET,
            bot_token=BOT_TOKEN,
            rate_limits="off",
            faults=plan.faults,
        )
    )
    await sandbox.start()
    environment = serve_environment(plan, sandbox, database_url)
    backends = [ServeProcess(f"{n + 1}", environment, folder) for n in range(plan.processes)]
    proxy = RoundRobin(backends)
    session = aiohttp.ClientSession()
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    people: list[Person] = []
    try:
        for backend in backends:
            backend.start()
        for backend in backends:
            await backend.wait_healthy(session)
        ids = {
            p.name: sandbox.add_user(p.name, real_name=p.real_name, tz=p.tz) for p in team.people
        }
        channel = sandbox.add_channel(team.channel, members=list(ids.values()))
        scripted = [p for p in team.people if p.role]
        killer = Killer(
            backends,
            at_replies=kill_points(rng, plan.kills, expected_replies(scripted)),
            rng=rng,
            session=session,
        )
        people = [
            Person(
                sandbox,
                ScriptedParticipant(p, ids[p.name], team.defaults),
                rng=random.Random(f"{plan.seed}:{p.name}"),
                patience=plan.patience,
                on_reply=killer.reply_sent,
            )
            for p in scripted
        ]
        async with proxy.serving() as url:
            sandbox.request_url = url
            start = team.start_text() + (" mode=all" if plan.mode == "all" else "")
            await sandbox.slash_command(ids[team.facilitator], channel, "/p2p", start)
            tasks = [asyncio.ensure_future(person.run(stop)) for person in people]
            await _until_summary(sandbox, channel, plan.deadline - (time.monotonic() - started))
            await killer.finish()
            await sandbox.settle(quiet=2.0, timeout=60.0)
            stop.set()
            await asyncio.gather(*tasks)
            report.kills = killer.done
            report.refused = proxy.refused
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        for backend in backends:
            backend.stop()
        await session.close()
        await sandbox.stop()
    await _count(report, sandbox, channel, people, database_url)
    report.seconds = time.monotonic() - started
    return report


def expected_replies(people: Sequence[DemoPerson]) -> int:
    """About how many replies the team types in a calm run (57 for the demo team)."""
    return 7 * len(people)


async def _until_summary(sandbox: Sandbox, channel: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if count_summaries(sandbox, channel, set())[0] >= 1:
            return
        await asyncio.sleep(0.2)


async def _count(
    report: ChaosReport, sandbox: Sandbox, channel: str, people: Sequence[Person], url: str
) -> None:
    counts = sandbox.faults.counts
    report.calls = counts.calls
    report.failed = Counter({str(k): n for k, n in counts.failed.items()})
    report.lost_responses = len(counts.lost)
    report.deliveries = counts.deliveries
    report.redelivered = counts.redelivered
    report.reordered = counts.reordered
    lost_ts = {str(lost.answer.get("ts")) for lost in counts.lost if lost.answer.get("ts")}
    asked: dict[str, set[str]] = {}
    for person in people:
        report.replies += len(person.replies)
        report.replies_again += sum(r.again for r in person.replies)
        found = count_sent_twice(
            posted_to(sandbox, person.user_id), [r.ts for r in person.replies], lost_ts
        )
        report.questions_twice += found.questions
        report.questions_twice_slack += found.questions_slack
        report.nudges += found.nudges
        report.nudges_twice += found.nudges_twice
        report.nudges_twice_slack += found.nudges_twice_slack
        asked[person.user_id] = found.asked
        if found.questions:
            report.problems.append(f"{person.name}: {found.questions} question(s) sent twice")
        if found.nudges_twice:
            report.problems.append(f"{person.name}: {found.nudges_twice} nudge(s) sent twice")
    report.summaries, report.summaries_slack = count_summaries(sandbox, channel, lost_ts)
    database = Database(url)
    try:
        await count_answers(database, people, asked, report)
    finally:
        await database.dispose()


# -- printing ----------------------------------------------------------------------------------


def format_report(report: ChaosReport) -> str:
    plan = report.plan
    failed = report.failed
    kinds = ", ".join(f"{kind}: {failed.get(kind, 0)}" for kind in ("500", "503", "429", "drop"))
    kills = ", ".join(f"process {k.process} after reply {k.after_reply}" for k in report.kills)
    backend = "PostgreSQL" if plan.database_url.startswith("postgres") else "SQLite"
    lines = [
        f"chaos: seed {plan.seed}, {plan.processes} p2p serve process(es) on {backend}, "
        f"{'in turn' if plan.mode == 'in_turn' else 'all roles at once'}; Slack fails "
        f"{plan.failed_calls:.0%} of calls, repeats {plan.redelivered:.0%} of deliveries, "
        f"reorders {plan.reordered:.0%}",
        "",
        report_line("Web API calls", report.calls),
        report_line("  failed, without effect", sum(failed.values()), kinds),
        report_line("  applied, answer lost", report.lost_responses, "Slack's fault model"),
        report_line("deliveries (events, clicks)", report.deliveries),
        report_line("  repeated", report.redelivered),
        report_line("  reordered", report.reordered),
        report_line("  met a process that was down", report.refused),
        report_line("processes killed (SIGKILL)", len(report.kills), kills),
        report_line("replies typed by the team", report.replies),
        report_line("  sent again, p2p silent", report.replies_again),
        report_line("interviews finished", report.interviews_done, f"of {report.interviews}"),
        report_line("answers stored", report.answers_stored),
        report_line("answers lost", report.answers_lost),
        report_line("answers stored twice", report.answers_twice),
        report_line("questions sent twice", report.questions_twice),
        report_line("  after a lost answer", report.questions_twice_slack, "Slack's fault model"),
        report_line("nudges sent", report.nudges),
        report_line("nudges sent twice", report.nudges_twice),
        report_line("  after a lost answer", report.nudges_twice_slack, "Slack's fault model"),
        report_line("summaries posted", report.summaries),
        report_line("  again after a lost answer", report.summaries_slack, "Slack's fault model"),
        "",
    ]
    lines += [f"  {problem}" for problem in report.problems]
    verdict = "OK: nothing lost, nothing sent twice, every interview finished, one summary"
    if not report.ok:
        verdict = (
            "FAILED: something was lost or sent twice, an interview did not finish, "
            "or the summary was not posted once"
        )
    lines.append(f"{verdict} ({report.seconds:.0f} s)")
    return "\n".join(lines)


def report_line(label: str, value: int, note: str = "") -> str:
    return f"{label:<32} {value:>6,}" + (f"  ({note})" if note else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the demo team's workshop on two p2p serve processes while the "
        "emulated Slack fails calls and repeats and reorders deliveries and processes are "
        "killed; print what was lost or sent twice. The database is wiped first."
    )
    parser.add_argument("--short", action="store_true", help="the CI preset: fewer faults")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--failed-calls", type=float, help="share of Web API calls that fail")
    parser.add_argument("--lost-responses", type=float, help="share applied, answer lost")
    parser.add_argument("--redelivered", type=float, help="share of deliveries repeated")
    parser.add_argument("--reordered", type=float, help="share of deliveries held back")
    parser.add_argument("--kills", type=int, help="SIGKILLs, at seeded points")
    parser.add_argument("--processes", type=int, choices=(1, 2))
    parser.add_argument("--mode", choices=("in_turn", "all"))
    parser.add_argument("--patience", type=float, help="seconds before a reply is sent again")
    parser.add_argument("--deadline", type=float, help="seconds the workshop may take at most")
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    parser.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    arguments = parser.parse_args(argv)
    changes = {
        name: value
        for name, value in vars(arguments).items()
        if value is not None and name not in ("short", "logs")
    }
    plan = ChaosPlan.short(**changes) if arguments.short else replace(ChaosPlan(), **changes)
    return run_and_report(
        "chaos", lambda folder: run_chaos(plan, folder), arguments.logs, format_report
    )


class Outcome(Protocol):
    @property
    def ok(self) -> bool: ...


Report = TypeVar("Report", bound=Outcome)


def run_and_report(
    name: str,
    run: Callable[[Path], Coroutine[Any, Any, Report]],
    logs: Path | None,
    show: Callable[[Report], str],
) -> int:
    """Run a benchmark with its processes logging into ``logs`` (or a folder thrown away
    after), print its report, and give the exit status: 0 when the report is ok."""
    try:
        if logs is not None:
            logs.mkdir(parents=True, exist_ok=True)
            report = asyncio.run(run(logs))
        else:
            with tempfile.TemporaryDirectory(prefix=f"p2p-{name}-") as folder:
                report = asyncio.run(run(Path(folder)))
    except ChaosAborted as problem:
        print(f"{name}: {problem}", file=sys.stderr)
        return 1
    print(show(report), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
