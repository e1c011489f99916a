"""Soak: many workshops at once on PostgreSQL and two p2p processes; what was lost, what
was stored twice, and how fast Slack's requests were acknowledged.

N workshops (``--workshops``, 50) of M people each (``--people``, 10) run at the same time
against the emulated Slack (bot/sandbox/) and real ``p2p serve`` processes sharing one
database, behind the round-robin proxy of benchmarks/chaos.py. Each workshop has its own
channel and facilitator, who types ``/p2p start …`` with every role at once
(``--mode all``; ``--mode in_turn`` interviews role after role). Its people are copies of
the demo team's (prompts/demo/team.toml), cycled, each a user of its own
(``priya-w07-2``), answering every question p2p DMs them from the demo script, like the
team of chaos.py. When a workshop's summary is in its channel, the facilitator clicks
"Show the path, stage by stage" under it. Slack does not fail here (``FaultSettings()``).

Rate limits are off by default (``--rate-limits off``): all the workshops share one
workspace, and Slack's published limits (``--rate-limits slack``: chat.postMessage about
10 a second across the workspace, chat.update 50 a minute) pace p2p's posts and updates
so that 50 workshops take many minutes, and what is measured is then the limits, not p2p.

At the end it prints, from what the sandbox saw and what the database holds: workshops
started and finished (summary posted), replies sent, answers stored, answers lost, answers
stored twice, failed requests (deliveries not acknowledged with HTTP 200 in time, and
Web API calls answered ``ok: false``, but for ``ratelimited``, counted apart), the p50,
p90 and p99 latency of the acknowledgements, per kind and overall, and the wall time.

    python benchmarks/soak.py [--workshops 50] [--people 10] [--database-url URL]
        [--processes 2] [--mode all|in_turn] [--deadline SECONDS] [--seed N] [--logs DIR]

Exit status 0 when no answer was lost or stored twice, no request failed, every workshop
posted exactly one summary and the p99 acknowledgement took less than a second; 1
otherwise. The database is wiped first: point ``--database-url`` at a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from benchmarks.chaos import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    ChaosAborted,
    ChaosPlan,
    Person,
    RoundRobin,
    ServeProcess,
    count_sent_twice,
    count_summaries,
    posted_to,
    prepare_database,
    report_line,
    run_and_report,
    serve_environment,
)
from bot.cli.demo import DemoTeam, ScriptedParticipant, load_demo_team  # noqa: E402
from bot.sandbox import Delivery, Sandbox, SandboxSettings  # noqa: E402
from bot.sandbox.ratelimit import RateLimitMode  # noqa: E402
from bot.slack.ids import ActionId  # noqa: E402
from storage import interviews, workshops  # noqa: E402
from storage.db import Database  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/soak"
ACK_P99_LIMIT = 1.0  # seconds: the p99 acknowledgement must be faster
PERCENTILES = (50, 90, 99)
KINDS = {"slash_command": "slash commands", "event": "DM events", "interactive": "clicks"}
PACED = "ratelimited"  # Slack pacing a client, which p2p waits out: not a failure


@dataclass(frozen=True)
class SoakPlan:
    database_url: str = DEFAULT_DATABASE_URL
    workshops: int = 50
    people: int = 10  # interviewed in each workshop, besides its facilitator
    processes: int = 2
    mode: str = "all"  # or "in_turn"
    rate_limits: RateLimitMode = "off"
    deadline: float = 900.0  # seconds for every workshop to post its summary
    seed: int = 1
    patience: float = 60.0  # seconds without an answer before a person sends a reply again
    log_level: str = "WARNING"


# -- the workshops -----------------------------------------------------------------------------


@dataclass
class Workshop:
    """One channel's workshop: its team (the demo team's people, renamed), the people
    who answer, and what the facilitator did."""

    team: DemoTeam
    channel: str = ""
    facilitator: str = ""  # user id
    people: list[Person] = field(default_factory=list)
    commands: list[Delivery] = field(default_factory=list)
    clicks: list[Delivery] = field(default_factory=list)


def copy_team(team: DemoTeam, number: int, size: int) -> DemoTeam:
    """The demo team for workshop ``number``: its own channel and facilitator, and
    ``size`` people cycled from the demo's people with a role, each named apart
    (``priya-w07-1``, ``priya-w07-2``)."""
    tag = f"w{number:02d}"
    scripted = [p for p in team.people if p.role]
    copies: Counter[str] = Counter()
    people = []
    for index in range(size):
        person = scripted[index % len(scripted)]
        copies[person.name] += 1
        people.append(
            person.model_copy(
                update={
                    "name": f"{person.name}-{tag}-{copies[person.name]}",
                    "real_name": f"{person.real_name} {tag}-{copies[person.name]}",
                }
            )
        )
    boss = next(p for p in team.people if p.name == team.facilitator)
    facilitator = boss.model_copy(update={"name": f"{boss.name}-{tag}"})
    return team.model_copy(
        update={
            "channel": f"{team.channel}-{tag}",
            "title": f"{team.title} {tag}",
            "facilitator": facilitator.name,
            "people": (facilitator, *people),
        }
    )


def set_up(sandbox: Sandbox, plan: SoakPlan, demo: DemoTeam) -> list[Workshop]:
    """Every workshop's people and channel in the sandbox; the people ready to answer."""
    found = []
    for number in range(1, plan.workshops + 1):
        workshop = Workshop(copy_team(demo, number, plan.people))
        team = workshop.team
        ids = {
            p.name: sandbox.add_user(p.name, real_name=p.real_name, tz=p.tz) for p in team.people
        }
        workshop.channel = sandbox.add_channel(team.channel, members=list(ids.values()))
        workshop.facilitator = ids[team.facilitator]
        workshop.people = [
            Person(
                sandbox,
                ScriptedParticipant(p, ids[p.name], team.defaults),
                rng=random.Random(f"{plan.seed}:{p.name}"),
                patience=plan.patience,
                on_reply=lambda: None,
            )
            for p in team.people
            if p.role
        ]
        found.append(workshop)
    return found


async def run_workshop(
    sandbox: Sandbox, workshop: Workshop, mode: str, stop: asyncio.Event
) -> None:
    """The facilitator starts the workshop; its people answer until ``stop``; once the
    summary is posted, the facilitator opens the stage-by-stage view under it."""
    start = workshop.team.start_text() + (" mode=all" if mode == "all" else "")
    workshop.commands.append(
        await sandbox.slash_command(workshop.facilitator, workshop.channel, "/p2p", start)
    )
    answering = [asyncio.ensure_future(person.run(stop)) for person in workshop.people]
    try:
        while not stop.is_set():
            if count_summaries(sandbox, workshop.channel, set())[0] >= 1:
                click = await sandbox.click(workshop.facilitator, ActionId.SHOW_STAGES)
                workshop.clicks.append(click)
                break
            await asyncio.sleep(0.2)
        await stop.wait()
    finally:
        await asyncio.gather(*answering)


async def run_soak(plan: SoakPlan, folder: Path, *, wipe: bool = True) -> SoakReport:
    """Run ``plan.workshops`` workshops at once; the processes log into ``folder``."""
    started = time.monotonic()
    database_url = await prepare_database(plan.database_url, wipe=wipe)
    sandbox = Sandbox(
        SandboxSettings(
            signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, rate_limits=plan.rate_limits
        )
    )
    await sandbox.start()
    environment = serve_environment(
        ChaosPlan(log_level=plan.log_level, processes=plan.processes), sandbox, database_url
    )
    backends = [ServeProcess(f"{n + 1}", environment, folder) for n in range(plan.processes)]
    proxy = RoundRobin(backends)
    session = aiohttp.ClientSession()
    stop = asyncio.Event()
    report = SoakReport(plan=plan)
    running: list[asyncio.Task[None]] = []
    soaked: list[Workshop] = []
    try:
        for backend in backends:
            backend.start()
        for backend in backends:
            await backend.wait_healthy(session)
        soaked = set_up(sandbox, plan, load_demo_team())
        async with proxy.serving() as url:
            sandbox.request_url = url
            began = time.monotonic()
            running = [
                asyncio.ensure_future(run_workshop(sandbox, w, plan.mode, stop)) for w in soaked
            ]
            watching = asyncio.ensure_future(watch_lag(report.driver_lag, stop))
            await _until_clicked(soaked, running, plan.deadline)
            report.workshop_seconds = time.monotonic() - began
            with contextlib.suppress(TimeoutError):
                await sandbox.settle(quiet=2.0, timeout=60.0)
            stop.set()
            await asyncio.gather(*running, watching)
    finally:
        stop.set()
        for task in running:
            task.cancel()
        for backend in backends:
            backend.stop()
        await session.close()
        await sandbox.stop()
    await _count(report, sandbox, soaked, database_url)
    report.seconds = time.monotonic() - started
    return report


async def watch_lag(lags: list[float], stop: asyncio.Event, every: float = 0.01) -> None:
    """How late this process's own event loop wakes from a short sleep: the part of each
    latency that is the driver's (the people and the sandbox share the loop), not p2p's."""
    while not stop.is_set():
        asked = time.monotonic()
        await asyncio.sleep(every)
        lags.append(max(0.0, time.monotonic() - asked - every))


async def _until_clicked(
    soaked: Sequence[Workshop], running: Sequence[asyncio.Task[None]], seconds: float
) -> None:
    """Until every workshop's summary is posted and clicked, or ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(w.clicks for w in soaked):
            return
        if failed := [t for t in running if t.done() and t.exception() is not None]:
            raise ChaosAborted(f"a workshop stopped: {failed[0].exception()!r}")
        await asyncio.sleep(0.5)


# -- counting ----------------------------------------------------------------------------------


@dataclass
class SoakReport:
    plan: SoakPlan
    workshops_started: int = 0  # stored in the database
    workshops_finished: int = 0  # exactly one summary in the channel
    summaries: Counter[int] = field(default_factory=Counter)  # summaries a channel: channels
    interviews: int = 0
    interviews_done: int = 0
    replies: int = 0
    replies_again: int = 0  # the same reply sent again, after p2p said nothing
    answers_stored: int = 0
    answers_lost: int = 0  # acknowledged, not stored
    answers_twice: int = 0  # a reply stored twice, or under a step never asked
    questions_twice: int = 0  # the same step DM'd twice to one person
    nudges: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)  # by kind, seconds
    echoes: list[float] = field(default_factory=list)  # p2p's own DMs, echoed back to it
    driver_lag: list[float] = field(default_factory=list)  # the driver's loop, late by
    deliveries_failed: Counter[str] = field(default_factory=Counter)  # by kind
    calls: int = 0
    calls_failed: Counter[str] = field(default_factory=Counter)  # "method: error"
    calls_paced: int = 0  # answered ratelimited
    workshop_seconds: float = 0.0  # from the first /p2p to the last summary clicked
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def everything(self) -> list[float]:
        return [s for values in self.latencies.values() for s in values]

    @property
    def failed(self) -> int:
        return sum(self.deliveries_failed.values()) + sum(self.calls_failed.values())

    @property
    def ok(self) -> bool:
        return (
            self.answers_lost == 0
            and self.answers_twice == 0
            and self.failed == 0
            and self.workshops_finished == self.plan.workshops
            and percentile(self.everything, 99) < ACK_P99_LIMIT
        )


def percentile(values: Sequence[float], rank: int) -> float:
    """The nearest-rank percentile (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(rank / 100 * len(ordered)) - 1)]


def attempts(delivery: Delivery) -> list[Delivery]:
    """A delivery and Slack's retries of it."""
    return [delivery, *delivery.retries]


async def _count(
    report: SoakReport, sandbox: Sandbox, soaked: Sequence[Workshop], url: str
) -> None:
    team_made: set[int] = set()
    for workshop in soaked:
        made = [*workshop.commands, *workshop.clicks]
        made += [r.delivery for person in workshop.people for r in person.replies]
        for delivery in (attempt for d in made for attempt in attempts(d)):
            team_made.add(id(delivery))
            report.latencies.setdefault(delivery.kind, []).append(delivery.elapsed)
            if not delivery.ok:
                report.deliveries_failed[delivery.kind] += 1
        summaries = count_summaries(sandbox, workshop.channel, set())[0]
        report.summaries[summaries] += 1
        report.workshops_finished += summaries == 1
    for delivery in (a for d in sandbox.deliveries for a in attempts(d)):
        if id(delivery) not in team_made:
            report.echoes.append(delivery.elapsed)
            report.deliveries_failed["echo"] += not delivery.ok
    report.calls = len(sandbox.calls)
    for call in sandbox.calls:
        if call.error == PACED:
            report.calls_paced += 1
        elif not call.ok:
            report.calls_failed[f"{call.method}: {call.error}"] += 1
    database = Database(url)
    try:
        for workshop in soaked:
            await count_workshop(report, sandbox, database, workshop)
    finally:
        await database.dispose()


async def count_workshop(
    report: SoakReport, sandbox: Sandbox, database: Database, workshop: Workshop
) -> None:
    """One workshop's replies, questions and nudges against the answers it stored."""
    async with database.transaction() as session:
        stored = await workshops.get_latest_workshop(session, channel_id=workshop.channel)
        if stored is None:
            report.problems.append(f"#{workshop.team.channel}: no workshop was stored")
            return
        everyone = await interviews.list_interviews(session, workshop_id=stored.id)
        answers = await interviews.list_answers(session, workshop_id=stored.id)
    report.workshops_started += 1
    report.interviews += len(everyone)
    report.interviews_done += sum(i.finished_at is not None for i in everyone)
    report.answers_stored += len(answers)
    owner = {i.id: i.user_id for i in everyone}
    held: dict[str, dict[str, list[str]]] = {}  # user id -> step -> the texts stored
    for answer in answers:
        steps = held.setdefault(owner[answer.interview_id], {})
        steps.setdefault(answer.question_key, []).extend(answer.raw_text.split("\n"))
    for person in workshop.people:
        report.replies += len(person.replies)
        report.replies_again += sum(r.again for r in person.replies)
        found = count_sent_twice(
            posted_to(sandbox, person.user_id), [r.ts for r in person.replies], set()
        )
        report.questions_twice += found.questions
        report.nudges += found.nudges
        if found.questions:
            report.problems.append(f"{person.name}: {found.questions} question(s) sent twice")
        steps = held.get(person.user_id, {})
        for problem in check_answers(person, steps, found.asked):
            report.problems.append(f"{person.name}: {problem}")
            if problem.startswith("lost"):
                report.answers_lost += 1
            else:
                report.answers_twice += 1


def check_answers(person: Person, steps: dict[str, list[str]], asked: set[str]) -> list[str]:
    """What is wrong with the answers stored for ``person`` (step -> the lines stored),
    given what they typed (acknowledged) and the steps p2p asked them: each "lost …" or
    "twice …"."""
    typed: dict[str, Counter[str]] = {}
    for reply in person.replies:
        if reply.acknowledged:
            typed.setdefault(reply.key, Counter())[reply.text.strip()] += not reply.again
    wrong = [f"lost: the answer to {key} is not stored" for key in typed if key not in steps]
    for key, lines in steps.items():
        if key not in asked:
            wrong.append(f"twice: an answer stored under {key}, never asked")
            continue
        expected = typed.get(key, Counter())
        wrong += [
            f"twice: {key} holds {text!r} {times} times"
            for text, times in Counter(lines).items()
            if times > max(1, expected[text])
        ]
    return wrong


# -- printing ----------------------------------------------------------------------------------


def format_report(report: SoakReport) -> str:
    plan = report.plan
    backend = "PostgreSQL" if plan.database_url.startswith("postgres") else "SQLite"
    mode = "all roles at once" if plan.mode == "all" else "in turn"
    shown = {n: count for n, count in sorted(report.summaries.items()) if n != 1}
    other = ", ".join(f"{count} with {n}" for n, count in shown.items())
    lines = [
        f"soak: {plan.workshops} workshops of {plan.people} people, {mode}, "
        f"{plan.processes} p2p serve process(es) on {backend}; rate limits {plan.rate_limits}, "
        f"seed {plan.seed}",
        "",
        report_line("workshops started", report.workshops_started, f"of {plan.workshops}"),
        report_line("workshops finished", report.workshops_finished, "one summary posted"),
        report_line("  summaries not one", sum(shown.values()), other),
        report_line("interviews finished", report.interviews_done, f"of {report.interviews}"),
        report_line("replies sent", report.replies),
        report_line("  sent again, p2p silent", report.replies_again),
        report_line("answers stored", report.answers_stored),
        report_line("answers lost", report.answers_lost),
        report_line("answers stored twice", report.answers_twice),
        report_line("questions sent twice", report.questions_twice),
        report_line("nudges sent", report.nudges),
        report_line("failed requests", report.failed),
        report_line(
            "  deliveries not acked in time", sum(report.deliveries_failed.values()), _kinds(report)
        ),
        report_line(
            "  Web API calls ok:false", sum(report.calls_failed.values()), f"of {report.calls:,}"
        ),
        report_line("  Web API calls ratelimited", report.calls_paced, "p2p waits; not counted"),
        "",
        f"{'ack latency (ms)':<32} {'count':>6} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}",
    ]
    rows = [(label, report.latencies.get(kind, [])) for kind, label in KINDS.items()]
    rows += [
        ("all the team's deliveries", report.everything),
        ("p2p's own DMs echoed", report.echoes),
        ("the driver's own loop, late by", report.driver_lag),
    ]
    lines += [_latency_row(label, values) for label, values in rows]
    lines += ["", *[f"  {problem}" for problem in report.problems[:40]]]
    if len(report.problems) > 40:
        lines.append(f"  … and {len(report.problems) - 40} more")
    for call, count in report.calls_failed.most_common(10):
        lines.append(f"  {call}: {count}")
    verdict = (
        "OK: nothing lost or stored twice, no failed request, one summary a workshop, "
        f"p99 ack under {ACK_P99_LIMIT * 1000:.0f} ms"
    )
    if not report.ok:
        verdict = (
            "FAILED: something was lost or stored twice, a request failed, a workshop did not "
            f"post one summary, or the p99 ack took {ACK_P99_LIMIT * 1000:.0f} ms or more"
        )
    lines.append(
        f"{verdict} (wall time {report.seconds:.0f} s, workshops {report.workshop_seconds:.0f} s)"
    )
    return "\n".join(lines)


def _kinds(report: SoakReport) -> str:
    return ", ".join(f"{kind}: {n}" for kind, n in sorted(report.deliveries_failed.items()) if n)


def _latency_row(label: str, seconds: Sequence[float]) -> str:
    figures = [percentile(seconds, rank) for rank in PERCENTILES] + [max(seconds, default=0.0)]
    shown = " ".join(f"{value * 1000:>7.0f}" for value in figures)
    return f"{label:<32} {len(seconds):>6,} {shown}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run many workshops at once on p2p serve processes sharing one database, "
        "against the emulated Slack; print what was lost or stored twice, failed requests "
        "and acknowledgement latency. The database is wiped first."
    )
    parser.add_argument("--workshops", type=int, help="workshops at once (50)")
    parser.add_argument("--people", type=int, help="people interviewed in each (10)")
    parser.add_argument("--database-url", help=f"wiped first ({DEFAULT_DATABASE_URL})")
    parser.add_argument("--processes", type=int, help="p2p serve processes (2)")
    parser.add_argument("--mode", choices=("all", "in_turn"))
    parser.add_argument("--rate-limits", choices=("off", "slack", "strict"))
    parser.add_argument("--deadline", type=float, help="seconds the workshops may take")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--patience", type=float, help="seconds before a reply is sent again")
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    parser.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    arguments = parser.parse_args(argv)
    changes = {k: v for k, v in vars(arguments).items() if v is not None and k != "logs"}
    plan = SoakPlan(**changes)
    return run_and_report(
        "soak", lambda folder: run_soak(plan, folder), arguments.logs, format_report
    )


if __name__ == "__main__":
    sys.exit(main())
