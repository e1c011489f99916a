"""What the interview asks of each person: steps, words read and typed, clicks, minutes.

A scripted team runs a whole workshop through the real app and the emulated Slack, over
loopback HTTP, as ``p2p demo`` does; what p2p sent each person by DM, and what each person
typed and clicked, is then counted. The figures are counts, not timings: the same team
and the same question bank give the same figures on every run.

    python benchmarks/interview_burden.py [--team demo|scenario|all]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.cli.demo import (
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM_FILE,
    DemoTeam,
    ScriptedParticipant,
    _question_key,
    serving_the_sandbox,
)
from bot.sandbox import Message, Sandbox, SandboxSettings
from bot.slack.blocks.messages import QuickAnswer
from bot.slack.ids import ActionId, BlockId
from bot.workshop.core.analysis.metrics import analyse_path
from bot.workshop.core.analysis.model import Handoff, PathAnalysis
from bot.workshop.core.analysis.themes import load_theme_book
from bot.workshop.core.model import InterviewStatus
from bot.workshop.core.questions import QuestionBank, load_question_bank
from bot.workshop.usecases.summarise import load_workshop
from storage.db import Database

BENCHMARKS_DIR = Path(__file__).resolve().parent
TEAM_FILES = {"demo": TEAM_FILE, "scenario": BENCHMARKS_DIR / "scenario_team.toml"}

READING_WORDS_PER_MINUTE = 250
TYPING_WORDS_PER_MINUTE = 40
SECONDS_PER_CLICK = 3
TOP_HANDOFFS = 3
DEADLINE_SECONDS = 90
IDLE_QUIET = 0.5  # seconds without a new question, and of silence, that end the interviews

_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_ANNOUNCED = re.compile(r"step (\d+) of (\d+)")


class BenchmarkIncomplete(Exception):
    """The scripted team did not get to the end of its interviews."""


@dataclass(frozen=True)
class BenchmarkTeam:
    name: str
    file: Path
    script: DemoTeam
    picks_quick_answers: bool  # click a quick answer that says what the script would type


def load_team(name: str) -> BenchmarkTeam:
    path = TEAM_FILES[name]
    with path.open("rb") as file:
        raw = tomllib.load(file)
    return BenchmarkTeam(
        name=name,
        file=path,
        script=DemoTeam.model_validate(raw),
        picks_quick_answers=bool(raw.get("picks_quick_answers", False)),
    )


# -- counting --------------------------------------------------------------------------------


def count_words(text: str) -> int:
    """Words as a reader counts them: ``2-3``, ``don't`` and ``e.g.`` are one; emoji none."""
    return len(_WORD.findall(_EMOJI_CODE.sub(" ", text)))


def estimated_minutes(words_read: int, words_typed: int, clicks: int) -> float:
    return (
        words_read / READING_WORDS_PER_MINUTE
        + words_typed / TYPING_WORDS_PER_MINUTE
        + clicks * SECONDS_PER_CLICK / 60
    )


def followup_keys(bank: QuestionBank) -> frozenset[str]:
    """The base keys of follow-up probes: the bank's follow-ups and "give an example"."""
    return frozenset(f.key for f in bank.followup) | {"example"}


@dataclass(frozen=True)
class BotMessage:
    """A message p2p sent a person in their DM, as it first appeared."""

    text: str  # as rendered for a reader
    question_key: str | None = None  # the question it asks, if it asks one
    announced: tuple[int, int] | None = None  # "step N of M"


@dataclass(frozen=True)
class Tally:
    steps: int = 0  # messages that ask something, re-asks included
    reasks: int = 0  # the same question asked again, after an answer p2p could not read
    followups: int = 0  # follow-up probes
    words_read: int = 0  # in every message p2p sent to the person
    words_typed: int = 0
    clicks: int = 0  # button presses, menu picks, form submissions

    @property
    def minutes(self) -> float:
        return estimated_minutes(self.words_read, self.words_typed, self.clicks)

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def total(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


@dataclass(frozen=True)
class PersonBurden:
    name: str
    role: str
    tally: Tally
    announced: tuple[tuple[int, int], ...]  # each step's "step N of M", in order

    @property
    def announced_totals(self) -> tuple[int, ...]:
        return tuple(m for _, m in self.announced)

    @property
    def total_changed(self) -> bool:
        """The M of "step N of M" changed during this person's interview."""
        return len(set(self.announced_totals)) > 1


@dataclass(frozen=True)
class RoleBurden:
    role: str
    people: tuple[PersonBurden, ...]

    @property
    def tally(self) -> Tally:
        return total(p.tally for p in self.people)


@dataclass(frozen=True)
class TeamBurden:
    name: str
    title: str
    file: Path
    people: tuple[PersonBurden, ...]
    top_handoffs: tuple[Handoff, ...]  # the summary's hottest, hottest first

    @property
    def roles(self) -> tuple[RoleBurden, ...]:
        order = dict.fromkeys(p.role for p in self.people)
        return tuple(
            RoleBurden(role, tuple(p for p in self.people if p.role == role)) for role in order
        )

    @property
    def tally(self) -> Tally:
        return total(p.tally for p in self.people)

    def person(self, name: str) -> PersonBurden:
        return next(p for p in self.people if p.name == name)


def burden_of_person(
    name: str,
    role: str,
    sent: Sequence[BotMessage],
    typed: Sequence[str],
    clicks: int,
    probes: frozenset[str],
) -> PersonBurden:
    """What one person read, typed and clicked, from what p2p sent them and they did."""
    asked: set[str] = set()
    steps = reasks = followups = 0
    announced = []
    for message in sent:
        key = message.question_key
        if key is None:
            continue
        steps += 1
        reasks += key in asked
        followups += key.rpartition(".")[2] in probes
        asked.add(key)
        if message.announced is not None:
            announced.append(message.announced)
    tally = Tally(
        steps=steps,
        reasks=reasks,
        followups=followups,
        words_read=sum(count_words(m.text) for m in sent),
        words_typed=sum(count_words(text) for text in typed),
        clicks=clicks,
    )
    return PersonBurden(name=name, role=role, tally=tally, announced=tuple(announced))


# -- running a team --------------------------------------------------------------------------


async def measure_team(team: BenchmarkTeam) -> TeamBurden:
    """Run ``team``'s workshop through p2p and the sandbox, and count each person's burden."""
    with tempfile.TemporaryDirectory(prefix="p2p-burden-") as folder:
        sandbox = Sandbox(
            SandboxSettings(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, rate_limits="off")
        )
        await sandbox.start()
        database_url = f"sqlite+aiosqlite:///{Path(folder) / 'p2p.db'}"
        async with serving_the_sandbox(sandbox, database_url) as p2p:
            participants = await _start_workshop(sandbox, team.script)
            await _answer_until_done(sandbox, participants, picks=team.picks_quick_answers)
            await sandbox.settle()
            bank = load_question_bank()
            analysis = await _analysis_of_finished_workshop(p2p.database, bank, participants)
            probes = followup_keys(bank)
            people = tuple(_observed_burden(sandbox, p, probes) for p in participants)
    return TeamBurden(
        name=team.name,
        title=team.script.title,
        file=team.file,
        people=people,
        top_handoffs=analysis.handoffs[:TOP_HANDOFFS],
    )


async def _start_workshop(sandbox: Sandbox, script: DemoTeam) -> list[ScriptedParticipant]:
    """The team joins the workspace and the facilitator starts the workshop."""
    ids = {p.name: sandbox.add_user(p.name, real_name=p.real_name, tz=p.tz) for p in script.people}
    channel = sandbox.add_channel(script.channel, members=list(ids.values()))
    await sandbox.slash_command(ids[script.facilitator], channel, "/p2p", script.start_text())
    return [ScriptedParticipant(p, ids[p.name], script.defaults) for p in script.people if p.role]


async def _analysis_of_finished_workshop(
    database: Database, bank: QuestionBank, participants: Sequence[ScriptedParticipant]
) -> PathAnalysis:
    workshop, everyone, answers = await load_workshop(database)
    names = {p.user_id: p.person.name for p in participants}
    unfinished = [names[i.user_id] for i in everyone if i.status is not InterviewStatus.DONE]
    if unfinished:
        raise BenchmarkIncomplete(f"unfinished interviews: {', '.join(unfinished)}")
    return analyse_path(workshop, everyone, answers, bank, load_theme_book())


async def _answer_until_done(
    sandbox: Sandbox, participants: Sequence[ScriptedParticipant], *, picks: bool
) -> None:
    """Everyone answers each question as it arrives, until nobody is asked anything new."""
    deadline = time.monotonic() + DEADLINE_SECONDS

    def asked_something_new() -> bool:
        return any(
            message.ts not in person.seen and _question_key(message) is not None
            for person in participants
            for message in sandbox.dm_messages(person.user_id)
        )

    while time.monotonic() < deadline:
        try:
            await sandbox.wait_for(asked_something_new, timeout=IDLE_QUIET)
        except TimeoutError:
            await sandbox.settle(quiet=IDLE_QUIET)
            if not asked_something_new():
                return
        for person in participants:
            for message in sandbox.dm_messages(person.user_id):
                reply = person.reply_to(message) if message.user != person.user_id else None
                if reply is None:
                    continue
                if picks:
                    await _answer_by_clicks(sandbox, person, message, reply)
                else:
                    await sandbox.send_dm(person.user_id, reply)
    raise BenchmarkIncomplete(f"still answering after {DEADLINE_SECONDS} s")


async def _answer_by_clicks(
    sandbox: Sandbox, person: ScriptedParticipant, message: Message, reply: str
) -> None:
    """Answer without typing in the DM: a menu for each figure the script has an option
    for, then the form for the rest; a single question by its quick answer or the form."""
    user = person.user_id
    picked: set[str] = set()
    for action_id, part, options in _part_menus(message):
        said = person.scripted(part)
        value = options.get(said.strip().casefold()) if isinstance(said, str) else None
        if value is not None:
            await sandbox.click(user, action_id, value=value)
            await sandbox.settle(quiet=0.05)
            picked.add(part)
    if picked and not _still_open(sandbox, user, message.ts):
        return
    key = _question_key(message) or ""
    scripted = person.scripted(key)
    pick = None if picked or scripted is None else _quick_answer(message, reply)
    if pick is not None:
        await sandbox.click(user, pick[0], value=pick[1])
        return
    await sandbox.click(user, ActionId.ANSWER_IN_FORM, value=_form_button_value(message))
    await sandbox.wait_for(lambda: bool(sandbox.open_views(user)), timeout=10)
    (view, *_) = sandbox.open_views(user)[-1:]
    for attempt in range(3):  # a list in the script: the next item after a refusal
        fields: dict[str, object] = {}
        for block in view.blocks:
            block_id = str(block.get("block_id", ""))
            if block.get("type") != "input" or block_id.count(":") < 2:
                continue
            part = block_id.split(":", 2)[2]
            said = person.scripted(part) if part != key else reply
            if part in picked or said is None:
                continue
            items = [said] if isinstance(said, str) else said
            fields[block_id] = {"value": items[min(attempt, len(items) - 1)]}
        await sandbox.submit_view(user, fields)
        await sandbox.settle(quiet=0.05)
        if not sandbox.view_errors(user):
            return


def _part_menus(message: Message) -> list[tuple[str, str, dict[str, str]]]:
    """The menus under a step, one a part: (action_id, part key, {option text: value})."""
    menus = []
    for block in message.blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("type") != "static_select":
                continue
            options = {
                str(o["text"]["text"]).strip().casefold(): str(o["value"])
                for o in element.get("options", [])
            }
            carried = QuickAnswer.model_validate_json(next(iter(options.values())))
            if carried.part:
                menus.append((str(element["action_id"]), carried.part, options))
    return menus


def _form_button_value(message: Message) -> str:
    for block in message.blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == ActionId.ANSWER_IN_FORM:
                return str(element["value"])
    raise BenchmarkIncomplete("a question without its form button")


def _still_open(sandbox: Sandbox, user: str, ts: str) -> bool:
    for message in sandbox.dm_messages(user):
        if message.ts == ts:
            return any(b.get("type") == "actions" for b in message.blocks or [])
    return False


def _quick_answer(message: Message, reply: str) -> tuple[str, str] | None:
    """The menu option or button under the question that says ``reply``: (action_id, value)."""
    wanted = reply.strip().casefold()
    for block in message.blocks:
        if block.get("type") != "actions":
            continue
        for element in block.get("elements", []):
            action_id = str(element.get("action_id", ""))
            if element.get("type") == "static_select":
                for option in element.get("options", []):
                    if str(option["text"]["text"]).strip().casefold() == wanted:
                        return action_id, str(option["value"])
            elif element.get("type") == "button" and _carried_answer(element) == wanted:
                return action_id, str(element["value"])
    return None


def _carried_answer(button: dict[str, Any]) -> str | None:
    try:
        carried = QuickAnswer.model_validate_json(str(button.get("value", "")))
    except ValidationError:
        return None
    return carried.text.strip().casefold() or None


def _observed_burden(
    sandbox: Sandbox, participant: ScriptedParticipant, probes: frozenset[str]
) -> PersonBurden:
    """One person's burden, from what the sandbox saw p2p post and the person do."""
    user_id = participant.user_id
    dm = sandbox.dm_channel(user_id)
    sent = [
        _bot_message(sandbox, call.response["message"])
        for call in sandbox.calls_to("chat.postMessage")
        if call.ok and call.response.get("channel") == dm
    ]
    typed = [m.text for m in sandbox.dm_messages(user_id) if m.user == user_id]
    typed += [
        str(field.get("value") or "")
        for d in sandbox.deliveries
        if d.kind == "interactive"
        and d.payload.get("type") == "view_submission"
        and d.payload.get("user", {}).get("id") == user_id
        for block in d.payload.get("view", {}).get("state", {}).get("values", {}).values()
        for field in block.values()
        if isinstance(field, dict)
    ]
    clicks = sum(
        1
        for d in sandbox.deliveries
        if d.kind == "interactive" and d.payload.get("user", {}).get("id") == user_id
    )
    return burden_of_person(
        participant.person.name, participant.person.role or "", sent, typed, clicks, probes
    )


def _bot_message(sandbox: Sandbox, shaped: dict[str, Any]) -> BotMessage:
    prefix = f"{BlockId.QUESTION}:"
    for block in shaped.get("blocks", []):
        block_id = str(block.get("block_id", ""))
        if block_id.startswith(prefix):
            found = _ANNOUNCED.search(str(block.get("text", {}).get("text", "")))
            return BotMessage(
                text=sandbox.render(shaped),
                question_key=block_id.removeprefix(prefix),
                announced=(int(found[1]), int(found[2])) if found else None,
            )
    return BotMessage(text=sandbox.render(shaped))


# -- printing --------------------------------------------------------------------------------

_COLUMNS = ("steps", "re-asks", "follow-ups", "words read", "words typed", "clicks", "minutes")


def format_team(burden: TeamBurden) -> str:
    roles = burden.roles
    lines = [
        f"{burden.name} team: {burden.title!r} ({_shown_path(burden.file)}), "
        f"{len(burden.people)} people in {len(roles)} roles",
        "",
        _row("role", "person", _COLUMNS),
    ]
    for role in roles:
        for index, person in enumerate(role.people):
            lines.append(_row(role.role if index == 0 else "", person.name, _cells(person.tally)))
        if len(role.people) > 1:
            lines.append(_row("", "together", _cells(role.tally)))
    lines += [_row("everyone", "", _cells(burden.tally)), ""]
    lines.append('"step N of M": the total M each person was told, by question N')
    width = max(len(p.name) for p in burden.people)
    for person in burden.people:
        flag = "   CHANGED during the interview" if person.total_changed else ""
        lines.append(f"  {person.name:<{width}}  {_announced_runs(person.announced)}{flag}")
    lines += ["", f"Top {len(burden.top_handoffs)} hand-offs in the summary, by heat"]
    for rank, h in enumerate(burden.top_handoffs, start=1):
        lines.append(
            f"  {rank}. {h.from_stage} → {h.to_stage} ({h.from_role} → {h.to_role}), "
            f"heat {h.heat:.2f}"
        )
    return "\n".join(lines)


def _cells(tally: Tally) -> tuple[str, ...]:
    counts = (tally.steps, tally.reasks, tally.followups, tally.words_read, tally.words_typed)
    return (*(f"{n:,}" for n in counts), f"{tally.clicks:,}", f"{tally.minutes:.1f}")


def _row(role: str, person: str, cells: Sequence[str]) -> str:
    widths = [len(c) for c in _COLUMNS]
    numbers = "  ".join(f"{cell:>{w}}" for cell, w in zip(cells, widths, strict=True))
    return f"{role:<12} {person:<9} {numbers}".rstrip()


def _announced_runs(announced: Sequence[tuple[int, int]]) -> str:
    """``19 (1-5) → 21 (6-21)``: each total M, with the question numbers N it was shown at."""
    runs: list[tuple[int, int, int]] = []  # (M, first N, last N)
    for number, of in announced:
        if runs and runs[-1][0] == of:
            runs[-1] = (of, runs[-1][1], number)
        else:
            runs.append((of, number, number))
    return " → ".join(f"{of} ({first}-{last})" for of, first, last in runs) or "none"


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(BENCHMARKS_DIR.parent))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Count what p2p's interview asks of each person of a scripted team: "
        "steps, follow-ups, words read and typed, clicks and estimated minutes."
    )
    parser.add_argument("--team", choices=[*TEAM_FILES, "all"], default="all")
    arguments = parser.parse_args(argv)
    names = list(TEAM_FILES) if arguments.team == "all" else [arguments.team]
    for index, name in enumerate(names):
        try:
            burden = asyncio.run(measure_team(load_team(name)))
        except BenchmarkIncomplete as problem:
            print(f"interview_burden: the {name} team: {problem}", file=sys.stderr)
            return 1
        print(("\n" if index else "") + format_team(burden), flush=True)
    print(
        f"\nminutes = words read / {READING_WORDS_PER_MINUTE} + words typed / "
        f"{TYPING_WORDS_PER_MINUTE} + clicks × {SECONDS_PER_CLICK} s. Counts, not timings."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
