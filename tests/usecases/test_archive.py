"""Export and import against a real database, with data made by the real use cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import jsonschema
import pytest

from bot.documents.export import render_json
from bot.workshop.bootstrap import Services, bootstrap, dependencies
from bot.workshop.core.durations import parse_duration, parse_percent
from bot.workshop.core.errors import WorkshopAlreadyActive, WorkshopNotFound
from bot.workshop.core.export import SCHEMA_PATH, ExportDocument, parse_export
from bot.workshop.core.model import InterviewMode, WorkshopStatus
from bot.workshop.core.planning import RoleRequest, StartRequest
from bot.workshop.core.questions import QuestionBank, load_question_bank
from bot.workshop.core.steps import expand_answers
from bot.workshop.usecases.answer import AnswerRecorder
from bot.workshop.usecases.archive import WorkshopArchive, plan_of
from storage import archive as stored_archive
from storage import interviews, workshops
from storage.db import Database
from tests.fakes import FakeClock, FakeMessenger
from tests.replies import reply_for

TEAM, CHANNEL = "T1", "C1"
REPO = Path(__file__).resolve().parents[2]
# What the product owner enters in the answer form, by part (a field each, the detail parts
# included); other parts get an answer of their kind.
REPLIES = {
    "Idea.process_time": "2-3 days",
    "Idea.lead_time": "about 2 weeks",
    "Idea.lead_time_worst": "no idea",
    "Idea.wait_before": "skip",
    "Idea.rework": "about 80%",
    "Design.rework": "9 out of 10",
    "Design.lead_time": "3 business days",
    "handover_returns": "don't know",
}
BY_KIND = {"duration": "a week or two", "percent": "most of the time"}


@pytest.fixture
def bank() -> QuestionBank:
    return load_question_bank()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def messenger() -> FakeMessenger:
    return FakeMessenger(member_of={"C1", "C2"})


@pytest.fixture
def archive(services: Services) -> WorkshopArchive:
    return services.archive


def archive_of(database: Database) -> WorkshopArchive:
    """The archive use case of another database, built the way the app builds it."""
    return bootstrap(dependencies(database, FakeMessenger())).archive


@pytest.fixture
async def other_database(tmp_path: Path) -> AsyncIterator[Database]:
    """A second, empty database to import into."""
    other = Database(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    await other.migrate()
    try:
        yield other
    finally:
        await other.dispose()


async def reply(
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
    clock: FakeClock,
    user_id: str,
    *,
    form: bool = False,
) -> bool:
    """Answer the last step the user was asked: in the answer form, a field a part, or
    typed in one reply. False when nothing new was asked."""
    asked = messenger.questions_to(user_id)
    if not asked:
        return False
    prompt = asked[-1]
    clock.advance(minutes=7)
    if form:
        texts = {
            part.key: REPLIES.get(part.key) or BY_KIND.get(part.kind.value, "we talk it over a lot")
            for part in prompt.question.answer_parts()
        }
        await interviewer.answer_from_form(
            team_id=TEAM,
            user_id=user_id,
            interview_id=prompt.interview_id,
            question_key=prompt.question.key,
            texts=texts,
            delivery_key=f"view:{TEAM}:{user_id}:{user_id}.{len(asked)}",
        )
    else:
        await interviewer.handle_direct_message(
            team_id=TEAM,
            user_id=user_id,
            text=reply_for(prompt.question, missing=prompt.missing),
            delivery_key=f"message:{TEAM}:{user_id}:{user_id}.{len(asked)}",
        )
    return len(messenger.questions_to(user_id)) > len(asked)


async def run_workshop(
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    *,
    channel: str = CHANNEL,
    title: str = "Checkout revamp",
) -> None:
    """Product answers everything in the form; engineering types three replies, then
    pauses."""
    await services.starter.start_workshop(
        StartRequest(
            team_id=TEAM,
            channel_id=channel,
            user_id="UFAC",
            title=title,
            roles=(
                RoleRequest(word="po", user_ids=("UPO",)),
                RoleRequest(word="eng", user_ids=("UENG",)),
            ),
            mode=InterviewMode.IN_TURN,
        )
    )
    while await reply(services.answers, messenger, clock, "UPO", form=True):
        pass
    for _ in range(3):
        await reply(services.answers, messenger, clock, "UENG")
    await services.answers.handle_direct_message(
        team_id=TEAM, user_id="UENG", text="pause", delivery_key=f"message:{TEAM}:UENG:UENG.pause"
    )


async def test_export_import_export_gives_the_same_json(
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    archive: WorkshopArchive,
    other_database: Database,
    bank: QuestionBank,
) -> None:
    await run_workshop(services, messenger, clock)
    exported = render_json(await archive.export_workshop())

    result = await archive_of(other_database).import_workshop(parse_export(exported))
    again = render_json(await archive_of(other_database).export_workshop())

    assert again == exported
    assert (result.participants, result.unread) == (2, ())
    assert result.answers == exported.count('"question_key"')
    product, engineering = json.loads(exported)["participants"]
    assert (product["status"], engineering["status"], engineering["paused"]) == (
        "done",
        "active",
        True,
    )


async def test_the_exported_json_holds_every_answer_parsed(
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    archive: WorkshopArchive,
    database: Database,
) -> None:
    await run_workshop(services, messenger, clock)
    document = await archive.export_workshop()
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)

    exported = {
        a.question_key + "@" + p.user_id: a for p in document.participants for a in p.answers
    }
    parts = expand_answers(stored)  # a step is stored as one answer, exported a part each
    assert len(exported) == len(parts) > 40
    assert len(stored) < len(parts)
    product = {a.question_key: a for a in document.participants[0].answers}
    process, rework = parse_duration("2-3 days"), parse_percent("9 out of 10")
    assert process is not None
    assert rework is not None
    assert product["Idea.process_time"].parsed == process.model_dump(mode="json")
    assert product["Idea.process_time"].raw_text == "2-3 days"
    assert product["Design.rework"].parsed == rework.model_dump(mode="json")
    assert product["Idea.wait_before"].parsed == {"skipped": True}
    assert product["Idea.lead_time_worst"].parsed == {"kind": "unknown"}
    assert product["handover_returns"].parsed == {"kind": "unknown"}
    figures = [a for a in product.values() if a.kind != "text"]
    assert figures
    assert all(a.parsed is not None for a in figures)
    assert {a.label for a in product.values()} >= {"Hands-on time", "Comes back for rework"}


async def test_the_exported_json_fits_the_checked_in_schema(
    services: Services, messenger: FakeMessenger, clock: FakeClock, archive: WorkshopArchive
) -> None:
    await run_workshop(services, messenger, clock)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    data = json.loads(render_json(await archive.export_workshop()))
    assert list(validator.iter_errors(data)) == []
    data["participants"][0]["answers"][0]["colour"] = "yellow"
    assert list(validator.iter_errors(data)), "the schema refuses what import refuses"


async def test_export_finds_the_workshop_asked_for(
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    archive: WorkshopArchive,
    database: Database,
) -> None:
    await run_workshop(services, messenger, clock, channel="C1", title="First")
    clock.advance(days=1)
    await services.starter.start_workshop(
        StartRequest(
            team_id=TEAM,
            channel_id="C2",
            user_id="UFAC",
            title="Second",
            roles=(RoleRequest(word="ops", user_ids=("UOPS",)),),
        )
    )
    async with database.transaction() as session:
        second = await workshops.get_latest_workshop(session)
    assert second is not None
    assert (await archive.export_workshop()).workshop.title == "Second"
    assert (await archive.export_workshop(channel_id="C1")).workshop.title == "First"
    assert (await archive.export_workshop(workshop_id=second.id - 1)).workshop.title == "First"
    with pytest.raises(WorkshopNotFound):
        await archive.export_workshop(channel_id="C404")
    with pytest.raises(WorkshopNotFound):
        await archive.export_workshop(workshop_id=99)


async def test_a_collecting_workshop_is_not_imported_beside_an_active_one(
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    archive: WorkshopArchive,
    database: Database,
) -> None:
    await run_workshop(services, messenger, clock)
    document = await archive.export_workshop()
    assert document.workshop.status is WorkshopStatus.COLLECTING
    async with database.transaction() as session:
        original = await workshops.get_latest_workshop(session)
    assert original is not None

    with pytest.raises(WorkshopAlreadyActive):
        await archive.import_workshop(document)
    async with database.transaction() as session:
        latest = await workshops.get_latest_workshop(session)
    assert latest is not None
    assert latest.id == original.id, "nothing was written"

    closed = document.model_copy(
        update={"workshop": document.workshop.model_copy(update={"status": WorkshopStatus.CLOSED})}
    )
    result = await archive.import_workshop(closed)
    assert result.workshop.status is WorkshopStatus.CLOSED
    assert result.workshop.id != original.id
    imported = await archive.export_workshop(workshop_id=result.workshop.id)
    assert render_json(imported) == render_json(closed)


def sticky_notes() -> ExportDocument:
    """A workshop held on a wall, typed up: no parsed figures, one unreadable."""
    answers = [
        ("Idea.what_happens", "Idea", "text", "somebody has a hunch"),
        ("Idea.lead_time", "Idea", "text", "a fortnight or so"),
        ("Idea.rework", "Idea", "percent", "half the time"),
        ("Idea.process_time", "Idea", "duration", "it varies"),
        ("wall_estimate", None, "duration", "3 days"),
        ("wall_remark", None, "text", "2 days"),
    ]
    return parse_export(
        json.dumps(
            {
                "format": "p2p.workshop",
                "version": 1,
                "workshop": {
                    "title": "The wall",
                    "team_id": TEAM,
                    "channel_id": CHANNEL,
                    "facilitator_id": "UFAC",
                    "mode": "all_at_once",
                    "status": "collecting",
                    "created_at": "2026-10-01T12:00:00Z",
                    "stages": [{"name": "Idea", "roles": ["product"]}],
                    "roles": [{"key": "product", "name": "Product Owner"}],
                },
                "participants": [
                    {
                        "user_id": "UPO",
                        "role_key": "product",
                        "status": "done",
                        "answers": [
                            {
                                "question_key": key,
                                "stage": stage,
                                "kind": kind,
                                "raw_text": text,
                                "parsed": None,
                                "answered_at": "2026-10-01T12:05:00Z",
                            }
                            for key, stage, kind, text in answers
                        ],
                    }
                ],
            }
        )
    )


async def test_sticky_notes_come_in_with_their_figures_read(
    archive: WorkshopArchive, database: Database
) -> None:
    result = await archive.import_workshop(sticky_notes())
    assert result.unread == ("UPO Idea.process_time",)

    document = await archive.export_workshop()
    answers = {a.question_key: a for a in document.participants[0].answers}
    fortnight = parse_duration("a fortnight or so")
    assert fortnight is not None
    assert answers["Idea.lead_time"].parsed == fortnight.model_dump(mode="json"), (
        "the bank's kind wins over the note's"
    )
    assert answers["Idea.lead_time"].kind == "duration"
    assert answers["Idea.rework"].parsed == {
        "low": 50.0,
        "high": 50.0,
        "approximate": False,
        "kind": "percent",
    }
    assert answers["Idea.process_time"].parsed is None
    assert answers["wall_estimate"].parsed is not None, "a key the bank lacks keeps its kind"
    assert answers["wall_remark"].parsed is None
    assert answers["Idea.what_happens"].parsed is None
    async with database.transaction() as session:
        stored = await interviews.list_answers(session, workshop_id=result.workshop.id)
        everyone = await interviews.list_interviews(session, workshop_id=result.workshop.id)
    assert len(stored) == 6
    assert everyone[0].last_activity_at is not None


async def test_the_database_itself_refuses_a_second_collecting_workshop_in_a_channel(
    archive: WorkshopArchive, database: Database
) -> None:
    document = sticky_notes()
    await archive.import_workshop(document)
    async with database.transaction() as session:
        with pytest.raises(WorkshopAlreadyActive):
            await stored_archive.insert_workshop(
                session,
                plan=plan_of(document),
                status=WorkshopStatus.COLLECTING,
                created_at=document.workshop.created_at,
                closed_at=None,
            )
        cancelled = await stored_archive.insert_workshop(
            session,
            plan=plan_of(document),
            status=WorkshopStatus.CANCELLED,
            created_at=document.workshop.created_at,
            closed_at=document.workshop.created_at,
        )
    assert cancelled.status is WorkshopStatus.CANCELLED
    assert cancelled.closed_at == document.workshop.created_at


# -- the command line ----------------------------------------------------------------------


def p2p(*arguments: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "P2P_", "DATABASE_URL"))
    }
    environment.update(
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(REPO), environment.get("PYTHONPATH", "")]),
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=60,
        check=False,
    )


async def test_the_command_line_exports_and_imports(
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    database_url: str,
    tmp_path: Path,
) -> None:
    await run_workshop(services, messenger, clock)

    exported = p2p("export", "--channel", CHANNEL, database_url=database_url, cwd=tmp_path)
    assert (exported.returncode, exported.stderr) == (0, "")
    document = json.loads(exported.stdout)
    assert document["workshop"]["title"] == "Checkout revamp"

    (tmp_path / "workshop.json").write_text(exported.stdout, encoding="utf-8")
    copy_url = f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}"
    imported = p2p("import", "workshop.json", database_url=copy_url, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "imported 'Checkout revamp' as workshop 1" in imported.stdout
    again = p2p("export", database_url=copy_url, cwd=tmp_path)
    assert again.stdout == exported.stdout

    table = p2p("export", "--format", "csv", "--out", "w.csv", database_url=copy_url, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert (tmp_path / "w.csv").read_text(encoding="utf-8").startswith("workshop,role,user_id,")


def test_the_command_line_says_in_one_line_what_is_wrong(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'p2p.db'}"
    missing = p2p("import", "nowhere.json", database_url=url, cwd=tmp_path)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "p2p: nowhere.json: no such file\n"

    (tmp_path / "bad.json").write_text('{"format": "trello"', encoding="utf-8")
    bad = p2p("import", "bad.json", database_url=url, cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.startswith("p2p: bad.json: not valid JSON:")
    assert bad.stderr.count("\n") == 1

    nothing = p2p("export", database_url=url, cwd=tmp_path)
    assert nothing.returncode == 2
    assert nothing.stderr.startswith("p2p: no database at ")
