"""What a summary and an import cost as a workshop grows: wall time and peak memory.

Generates import files for workshops of 100 and 1,000 participants (every role of the
default path, each person answering every part of every step of their role, the form's
optional detail included, in their own words), then runs the command line as a user
would, each command its own process:

    python -m bot import FILE
    python -m bot summary --workshop ID --format json|md|png --out …
    python -m bot export --workshop ID --out …

on a throw-away SQLite database (or the PostgreSQL database given with --database-url,
a postgresql+asyncpg:// URL, whose tables are wiped and migrated first). Each child's wall
time is measured around it and its peak resident memory read from os.wait4. The table
shows absolute figures, answers a second for imports, and two ratios measured in the same
run: against the start-up of the command line (``python -m bot --help``), and of the
larger workshop against the smaller (linear growth in people shows as the ratio of their
sizes, 10).

    python benchmarks/summary_scale.py [--people 100,1000] [--repeat 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.workshop.core.model import (  # noqa: E402
    InterviewMode,
    Workshop,
    WorkshopStatus,
)
from bot.workshop.core.questions import (  # noqa: E402
    QuestionKind,
    load_path_template,
    load_question_bank,
)

SUMMARY_FORMATS = ("json", "md", "png")
WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TARGET_SECONDS = 2.0
TARGET_MEGABYTES = 300.0
_IMPORTED = re.compile(r"as workshop (\d+) ")

# What people type, by kind: figures p2p reads on import, and some it cannot.
DURATIONS = ("2 days", "half a day", "2-3 weeks", "about a month", "3 hours", "don't know")
LEAD_TIMES = ("3 weeks", "6 weeks", "a month or two", "10 business days", "no idea")
PERCENTS = ("about 80%", "a third", "most of the time", "9 out of 10", "10%", "don't know")
PAINS = (
    "Waiting on the approval board every fortnight",
    "The shared test environment is booked for days",
    "Tickets to another team sit in their queue",
    "Requirements change after we start",
    "Manual release checklist, nobody owns it",
    "Flaky tests block the pipeline",
)


@dataclass(frozen=True)
class Measure:
    """One child process: what it cost."""

    seconds: float
    megabytes: float  # peak resident set size


@dataclass(frozen=True)
class Run:
    people: int
    answers: int
    file_megabytes: float
    imported: Measure
    commands: dict[str, Measure]


def _template_workshop() -> Workshop:
    template = load_path_template()
    return Workshop(
        id=0,
        team_id="TBENCH",
        channel_id="CBENCH",
        facilitator_id="UFACILITATOR",
        title="Bench",
        mode=InterviewMode.IN_TURN,
        status=WorkshopStatus.CLOSED,
        stages=tuple(stage.as_stage() for stage in template.stages),
        roles=tuple(role.as_role() for role in template.roles),
        created_at=WHEN,
    )


def _text(kind: QuestionKind, base_key: str, person: int, stage: str | None) -> str:
    if kind is QuestionKind.DURATION:
        options = LEAD_TIMES if base_key.startswith("lead_time") else DURATIONS
        return options[(person + len(base_key)) % len(options)]
    if kind is QuestionKind.PERCENT:
        return PERCENTS[(person + len(base_key)) % len(PERCENTS)]
    pain = PAINS[(person + len(stage or "")) % len(PAINS)]
    # each person in their own words, as in a real workshop: wordings are rarely repeated
    return f"{pain} (at {stage or 'the path'}, as person {person} sees it, {base_key})"


def build_document(people: int) -> dict[str, Any]:
    """An export document of ``people`` participants, spread over the default roles."""
    bank = load_question_bank()
    workshop = _template_workshop()
    roles = [role.key for role in workshop.roles]
    parts_of = {
        key: [part for q in bank.questions_for(workshop, key) for part in q.answer_parts()]
        for key in roles
    }
    participants = []
    for person in range(people):
        role_key = roles[person % len(roles)]
        answered = WHEN + timedelta(minutes=person)
        answers = []
        for part in parts_of[role_key]:
            stage = part.key.split(".", 1)[0] if "." in part.key else None
            answers.append(
                {
                    "question_key": part.key,
                    "stage": stage,
                    "kind": part.kind.value,
                    "raw_text": _text(part.kind, part.base_key, person, stage),
                    "answered_at": answered.isoformat(),
                }
            )
        participants.append(
            {
                "user_id": f"U{person:07d}",
                "role_key": role_key,
                "status": "done",
                "started_at": WHEN.isoformat(),
                "finished_at": answered.isoformat(),
                "answers": answers,
            }
        )
    exported = workshop.model_dump(
        mode="json", include={"title", "team_id", "channel_id", "facilitator_id", "mode"}
    )
    return {
        "format": "p2p.workshop",
        "version": 1,
        "workshop": {
            **exported,
            "title": f"Bench: {people} people",
            "status": "closed",
            "created_at": WHEN.isoformat(),
            "closed_at": (WHEN + timedelta(days=7)).isoformat(),
            "stages": [s.model_dump(mode="json") for s in workshop.stages],
            "roles": [r.model_dump(mode="json") for r in workshop.roles],
        },
        "participants": participants,
    }


def measure(command: Sequence[str], env: dict[str, str]) -> tuple[Measure, str]:
    """Run one child; its wall time, its peak RSS and its stdout. Exits on failure."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # The pipes are small (a line or two): read them after the child ends.
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    out = child.stdout.read() if child.stdout else ""
    err = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{err}")
    return Measure(seconds=seconds, megabytes=usage.ru_maxrss / 1024), out


def best(command: Sequence[str], env: dict[str, str], repeat: int) -> Measure:
    """The fastest of ``repeat`` runs (the one least disturbed by the rest of the machine)."""
    runs = [measure(command, env)[0] for _ in range(repeat)]
    return min(runs, key=lambda m: m.seconds)


def _python() -> list[str]:
    return [sys.executable]


def prepare_database(url: str | None, folder: Path) -> dict[str, str]:
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    if url is None:
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        return env
    env["DATABASE_URL"] = url
    wipe = (
        "import asyncio, os\n"
        "from sqlalchemy import text\n"
        "from storage.db import Database\n"
        "async def main():\n"
        "    db = Database(os.environ['DATABASE_URL'])\n"
        "    async with db.engine.begin() as c:\n"
        "        await c.execute(text('DROP SCHEMA public CASCADE'))\n"
        "        await c.execute(text('CREATE SCHEMA public'))\n"
        "    await db.migrate()\n"
        "    await db.dispose()\n"
        "asyncio.run(main())\n"
    )
    measure([*_python(), "-c", wipe], env)
    return env


def run_size(people: int, folder: Path, env: dict[str, str], repeat: int) -> Run:
    document = build_document(people)
    answers = sum(len(p["answers"]) for p in document["participants"])
    path = folder / f"workshop-{people}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    imported, out = measure([*_python(), "-m", "bot", "import", str(path)], env)
    found = _IMPORTED.search(out)
    if found is None:
        sys.exit(f"cannot find the imported workshop's id in: {out!r}")
    workshop_id = found.group(1)
    commands = {}
    for name in (*(f"summary {f}" for f in SUMMARY_FORMATS), "export json"):
        verb, output = name.split()
        target = folder / f"{people}-{verb}.{output}"
        command = [*_python(), "-m", "bot", verb, "--workshop", workshop_id]
        command += ["--format", output, "--out", str(target)]
        commands[name] = best(command, env, repeat)
    return Run(
        people=people,
        answers=answers,
        file_megabytes=path.stat().st_size / 1e6,
        imported=imported,
        commands=commands,
    )


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


def report(runs: Sequence[Run], baseline: Measure, url: str | None) -> str:
    smallest = runs[0]
    lines = [
        f"database: {'PostgreSQL' if url else 'SQLite (a file)'}; "
        f"baseline (×start): python -m bot --help took {baseline.seconds:.2f} s, "
        f"{baseline.megabytes:.0f} MB",
        "",
    ]
    head = ["people", "command", "seconds", "MB", "×start", f"×{smallest.people}p", "note"]
    widths = [7, 14, 8, 6, 7, 7, 24]
    lines += [_row(head, widths), _row(["-" * w for w in widths], widths)]
    for run in runs:
        rate = run.answers / run.imported.seconds
        rows = [("import", run.imported, smallest.imported, f"{rate:,.0f} answers/s")]
        for name, cost in run.commands.items():
            over = cost.seconds > TARGET_SECONDS or cost.megabytes > TARGET_MEGABYTES
            note = "over 2 s / 300 MB" if over and name.startswith("summary") else ""
            rows.append((name, cost, smallest.commands[name], note))
        for name, cost, small, note in rows:
            lines.append(
                _row(
                    [
                        str(run.people),
                        name,
                        f"{cost.seconds:.2f}",
                        f"{cost.megabytes:.0f}",
                        f"{cost.seconds / baseline.seconds:.1f}",
                        f"{cost.seconds / small.seconds:.1f}",
                        note,
                    ],
                    widths,
                )
            )
        lines.append(f"{'':7}  {run.answers:,} answers, import file {run.file_megabytes:.1f} MB")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", default="100,1000", help="workshop sizes (default 100,1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command; the best")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL URL (postgresql+asyncpg://…); its tables are wiped",
    )
    arguments = parser.parse_args(argv)
    sizes = sorted(int(n) for n in arguments.people.split(","))
    with tempfile.TemporaryDirectory(prefix="p2p-scale-") as name:
        folder = Path(name)
        env = prepare_database(arguments.database_url, folder)
        baseline = best([*_python(), "-m", "bot", "--help"], env, max(3, arguments.repeat))
        runs = [run_size(people, folder, env, arguments.repeat) for people in sizes]
    print(report(runs, baseline, arguments.database_url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
