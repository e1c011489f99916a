"""The export document and its JSON, Markdown and CSV forms: pure, no database."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.documents.export import (
    CSV_COLUMNS,
    describe_parsed,
    render_csv,
    render_json,
    render_markdown,
)
from bot.workshop.core.durations import parse_duration, parse_percent
from bot.workshop.core.export import (
    SCHEMA_PATH,
    ExportDocument,
    ExportInvalid,
    build_export,
    export_schema_text,
    parse_export,
    without_names,
)
from bot.workshop.core.model import (
    Answer,
    Interview,
    InterviewMode,
    InterviewStatus,
    Role,
    Stage,
    Workshop,
    WorkshopDetails,
    WorkshopStatus,
)
from bot.workshop.core.questions import QuestionKind, load_question_bank

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def parsed_duration(text: str) -> dict[str, Any]:
    value = parse_duration(text)
    assert value is not None
    return value.model_dump(mode="json")


def parsed_percent(text: str) -> dict[str, Any]:
    value = parse_percent(text)
    assert value is not None
    return value.model_dump(mode="json")


def stored_workshop() -> tuple[Workshop, list[Interview], list[Answer]]:
    workshop = Workshop(
        id=7,
        team_id="T1",
        channel_id="C1",
        facilitator_id="UFAC",
        title="Checkout revamp",
        mode=InterviewMode.IN_TURN,
        status=WorkshopStatus.COLLECTING,
        stages=(
            Stage(name="Idea", roles=("product",)),
            Stage(name="Design", roles=("product", "engineering")),
        ),
        roles=(Role(key="product", name="Product Owner"), Role(key="engineering", name="Eng")),
        created_at=START,
        details=WorkshopDetails(change="One-click refunds", change_link="https://x.test/1"),
        announcement_ts="100.1",
    )
    product = Interview(
        id=11,
        workshop_id=7,
        user_id="UPO",
        role_key="product",
        status=InterviewStatus.DONE,
        prompt_ts="300.9",
        started_at=START,
        finished_at=START + timedelta(hours=2),
    )
    engineering = Interview(
        id=12,
        workshop_id=7,
        user_id="UENG",
        role_key="engineering",
        status=InterviewStatus.ACTIVE,
        prompted_key="Design.needs",
        paused=True,
        started_at=START + timedelta(hours=2),
    )

    def answer(interview: Interview, key: str, text: str, parsed: Any = None) -> Answer:
        stage = key.split(".")[0] if "." in key else None
        return Answer(
            interview_id=interview.id,
            question_key=key,
            stage=stage,
            raw_text=text,
            parsed=parsed,
            answered_at=START + timedelta(minutes=len(text)),
        )

    answers = [
        answer(product, "Idea.what_happens", "Sponsor says yes,\nthen we write it up"),
        answer(product, "Idea.process_time", "2-3 days", parsed_duration("2-3 days")),
        answer(product, "Idea.lead_time", "3 business days", parsed_duration("3 business days")),
        answer(product, "Idea.rework", "about 80%", parsed_percent("about 80%")),
        answer(product, "Idea.wait_before", "skip", {"skipped": True}),
        answer(product, "Idea.lead_time_worst", "no idea", {"kind": "unknown"}),
        answer(product, "handover", "a ticket, to engineering"),
        answer(product, "sticky_note", "from the wall"),
        answer(engineering, "Design.what_happens", "we sketch it"),
    ]
    return workshop, [product, engineering], answers


@pytest.fixture
def document() -> ExportDocument:
    workshop, interviews, answers = stored_workshop()
    return build_export(workshop, interviews, answers, load_question_bank())


def test_the_document_holds_every_answer_raw_and_parsed_with_its_question(
    document: ExportDocument,
) -> None:
    product, engineering = document.participants
    assert (product.user_id, product.role, product.status) == ("UPO", "Product Owner", "done")
    assert (engineering.paused, engineering.prompted_key) == (True, "Design.needs")
    assert [a.question_key for a in product.answers][:2] == [
        "Idea.what_happens",
        "Idea.process_time",
    ]
    assert len(product.answers) + len(engineering.answers) == 9
    process = product.answers[1]
    assert (process.label, process.kind, process.stage) == ("Hands-on time", "duration", "Idea")
    assert process.parsed == parsed_duration("2-3 days")
    assert product.answers[4].parsed == {"skipped": True}
    unknown = product.answers[7]
    assert (unknown.label, unknown.kind) == ("sticky_note", QuestionKind.TEXT)


def test_the_json_leaves_out_ids_and_slack_timestamps(document: ExportDocument) -> None:
    text = render_json(document)
    data = json.loads(text)
    assert (data["format"], data["version"]) == ("p2p.workshop", 1)
    assert list(data) == ["format", "version", "workshop", "participants"]
    for word in ("announcement_ts", "prompt_ts", "summary_ts", "interview_id", "exported_at"):
        assert word not in text
    assert '"id"' not in text
    assert data["workshop"]["created_at"] == "2026-11-02T09:00:00Z"
    assert text.endswith("}\n")


def test_the_json_reads_back_as_the_same_document(document: ExportDocument) -> None:
    again = parse_export(render_json(document))
    assert again == document
    assert render_json(again) == render_json(document)


def test_timestamps_in_other_zones_are_read_as_utc(document: ExportDocument) -> None:
    data = json.loads(render_json(document))
    data["workshop"]["created_at"] = "2026-11-02T10:00:00+01:00"
    again = parse_export(json.dumps(data))
    assert again.workshop.created_at == START
    assert render_json(again) == render_json(document)


def broken(document: ExportDocument, change: Any) -> str:
    data = json.loads(render_json(document))
    change(data)
    return json.dumps(data)


def set_answer(field: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["participants"][0]["answers"][1][field] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format="trello"), "format: Input should be 'p2p.workshop'"),
        (lambda d: d.update(version=2), "version: Input should be 1"),
        (lambda d: d.pop("workshop"), "workshop: Field required"),
        (
            set_answer("answered_at", "2026-11-02T09:00:00"),
            "participants[0].answers[1].answered_at: Input should have timezone info",
        ),
        (
            set_answer("parsed", {"kind": "duration", "low": 3, "high": 2}),
            "participants[0].answers[1].parsed: not a valid duration:",
        ),
        (set_answer("colour", "yellow"), "participants[0].answers[1].colour: Extra inputs"),
        (
            lambda d: d["participants"][1].update(role_key="ops"),
            "participants[1].role_key: 'ops' is not one of the roles (product, engineering)",
        ),
        (
            lambda d: d["workshop"]["stages"][0].update(roles=["qa"]),
            "workshop.stages[0].roles: 'qa' is not one of the roles",
        ),
        (
            lambda d: d["participants"][0]["answers"].append(d["participants"][0]["answers"][0]),
            "participants[0].answers: question 'Idea.what_happens' appears twice",
        ),
        (
            lambda d: d["participants"].append(d["participants"][0]),
            "participants: participant 'UPO as product' appears twice",
        ),
    ],
)
def test_a_document_that_does_not_fit_is_refused_saying_where(
    document: ExportDocument, change: Any, expected: str
) -> None:
    with pytest.raises(ExportInvalid) as refused:
        parse_export(broken(document, change))
    assert str(refused.value).startswith(expected)


def test_text_that_is_not_json_is_refused_with_its_line_and_column() -> None:
    with pytest.raises(ExportInvalid, match=r"not valid JSON: .* at line 2, column 1"):
        parse_export('{"format": "p2p.workshop",\n}')
    with pytest.raises(ExportInvalid, match="Input should be a valid dictionary"):
        parse_export("[1, 2]")


def test_a_sticky_note_document_needs_only_the_essentials() -> None:
    document = parse_export(
        json.dumps(
            {
                "format": "p2p.workshop",
                "version": 1,
                "workshop": {
                    "title": "Wall",
                    "team_id": "T1",
                    "channel_id": "C9",
                    "facilitator_id": "UFAC",
                    "mode": "all_at_once",
                    "status": "closed",
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
                                "question_key": "Idea.lead_time",
                                "raw_text": "a fortnight",
                                "answered_at": "2026-10-01T12:05:00Z",
                            }
                        ],
                    }
                ],
            }
        )
    )
    answer = document.participants[0].answers[0]
    assert (answer.parsed, answer.stage, answer.kind) == (None, None, "text")
    assert document.workshop.details == WorkshopDetails()


@pytest.mark.parametrize(
    ("parsed", "described"),
    [
        (parsed_duration("2-3 days"), "2–3 days"),
        (parsed_duration("3 business days"), "3 working days"),
        (parsed_duration("up to a week"), "up to 1 week"),
        (parsed_percent("about 80%"), "about 80%"),
        ({"kind": "unknown"}, "don't know"),
        ({"skipped": True}, "skipped"),
        (None, ""),
    ],
)
def test_what_was_read_is_described_in_a_few_words(
    parsed: dict[str, Any] | None, described: str
) -> None:
    assert describe_parsed(parsed) == described


def test_markdown_shows_the_path_and_each_answer_beside_what_was_read(
    document: ExportDocument,
) -> None:
    text = render_markdown(document)
    lines = text.splitlines()
    assert lines[0] == "# Checkout revamp"
    assert "- Change traced: One-click refunds (https://x.test/1)" in lines
    assert "- Roles interviewed in turn" in lines
    assert lines[lines.index("## Stages") + 2 :][:2] == [
        "1. Idea: Product Owner",
        "2. Design: Product Owner, Eng",
    ]
    assert "## Product Owner: UPO (done)" in lines
    assert "## Eng: UENG (active, paused)" in lines
    assert "- **Hands-on time:** 2-3 days → *2–3 days*" in lines
    assert "- **Elapsed time:** 3 business days → *3 working days*" in lines
    assert "- **Comes back for rework:** about 80% → *about 80%*" in lines
    assert "- **Wait before starting:** skip → *skipped*" in lines
    assert "- **Elapsed time, worst case:** no idea → *don't know*" in lines
    assert "- **What happens:** Sponsor says yes,\n  then we write it up" in text
    idea, other = lines.index("### Idea"), lines.index("### Not tied to a stage")
    assert idea < lines.index("- **Hands-on time:** 2-3 days → *2–3 days*") < other
    assert lines[other + 2 :][:2] == [
        "- **Hands over:** a ticket, to engineering",
        "- **sticky_note:** from the wall",
    ]


def test_csv_has_one_row_per_answer_with_the_figures_apart(document: ExportDocument) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(document))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 9
    by_key = {row["question_key"]: row for row in rows}
    process = by_key["Idea.process_time"]
    assert process == {
        "workshop": "Checkout revamp",
        "role": "Product Owner",
        "user_id": "UPO",
        "stage": "Idea",
        "question_key": "Idea.process_time",
        "label": "Hands-on time",
        "kind": "duration",
        "raw_text": "2-3 days",
        "parsed_low": "2",
        "parsed_high": "3",
        "parsed_unit": "days",
        "parsed_basis": "calendar",
        "working_days_low": "2",  # an unstated basis counts as working time
        "working_days_high": "3",
        "answered_at": "2026-11-02T09:08:00Z",
        "answered_by": "",
    }
    business = by_key["Idea.lead_time"]
    assert (business["parsed_basis"], business["working_days_high"]) == ("working", "3")
    rework = by_key["Idea.rework"]
    assert [rework[c] for c in ("parsed_low", "parsed_high", "parsed_unit")] == [
        "80",
        "80",
        "percent",
    ]
    for key in ("Idea.wait_before", "Idea.lead_time_worst", "handover"):
        assert by_key[key]["parsed_low"] == by_key[key]["working_days_low"] == ""
    assert by_key["Idea.what_happens"]["raw_text"] == "Sponsor says yes,\nthen we write it up"
    assert by_key["Design.what_happens"]["role"] == "Eng"


def test_the_checked_in_schema_is_the_one_the_model_gives() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == export_schema_text(), (
        "regenerate it: python -c 'from bot.workshop.core.export import SCHEMA_PATH, "
        "export_schema_text; SCHEMA_PATH.write_text(export_schema_text())'"
    )
    assert json.loads(export_schema_text()) == ExportDocument.model_json_schema()


def test_markdown_words_the_workshop_s_details_and_status() -> None:
    workshop, interviews, answers = stored_workshop()
    closed = workshop.model_copy(
        update={
            "mode": InterviewMode.ALL_AT_ONCE,
            "closed_at": START + timedelta(days=3, minutes=5),
            "details": WorkshopDetails(
                change_link="https://x.test/2",
                start_event="Idea raised",
                end_event="In production",
                deadline=START.date() + timedelta(days=14),
            ),
            "stages": (*workshop.stages, Stage(name="Loose", roles=())),
        }
    )
    helped = [answers[1].model_copy(update={"answered_by": "UHELP"})]
    text = render_markdown(build_export(closed, interviews, helped, load_question_bank()))
    assert text.splitlines()[2:8] == [
        "- Channel C1 (team T1), facilitated by UFAC",
        "- Status: collecting; started 2026-11-02 09:00 UTC, closed 2026-11-05 09:05 UTC",
        "- Roles interviewed all at once",
        "- Change traced: https://x.test/2",
        "- From “Idea raised” to “In production”",
        "- Deadline: 2026-11-16",
    ]
    assert "3. Loose: nobody" in text.splitlines()
    assert "- **Hands-on time:** 2-3 days → *2–3 days* (answered by UHELP)" in text
    assert "## Eng: UENG (active, paused)\n\nNo answers yet." in text


@pytest.mark.parametrize(
    ("typed", "cell"),
    [
        ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
        ("+1 day", "'+1 day"),
        ("-5% on a good week", "'-5% on a good week"),
        ("@mark decides", "'@mark decides"),
        ("\t=1+1", "'\t=1+1"),
        ("2-3 days", "2-3 days"),
        ("a = b", "a = b"),
    ],
)
def test_csv_cells_that_could_run_as_formulas_are_text(
    document: ExportDocument, typed: str, cell: str
) -> None:
    person = document.participants[0]
    changed = person.answers[0].model_copy(update={"raw_text": typed})
    document = document.model_copy(
        update={"participants": (person.model_copy(update={"answers": (changed,)}),)}
    )
    (row,) = csv.DictReader(io.StringIO(render_csv(document)))
    assert row["raw_text"] == cell


def test_without_names_keeps_the_answers_and_drops_who_gave_them(
    document: ExportDocument,
) -> None:
    product = document.participants[0]
    said = product.answers[0].model_copy(
        update={"raw_text": "Ask <@UENG> or <@W123|boss>", "answered_by": "UENG"}
    )
    given = document.model_copy(
        update={
            "workshop": document.workshop.model_copy(
                update={"details": document.workshop.details.model_copy(
                    update={"co_facilitators": ("UCO",)}
                )}
            ),
            "participants": (
                product.model_copy(update={"answers": (said, *product.answers[1:])}),
                *document.participants[1:],
            ),
        }
    )  # fmt: skip
    plain = without_names(given)
    text = render_json(plain) + render_csv(plain)
    for person in ("UPO", "UENG", "UFAC", "UCO", "W123", "boss"):
        assert person not in text, person
    assert [p.user_id for p in plain.participants] == ["participant-1", "participant-2"]
    assert plain.participants[0].answers[0].answered_by == "participant-2", "one alias each"
    assert plain.participants[0].answers[0].raw_text == "Ask @someone or @someone"
    assert [len(p.answers) for p in plain.participants] == [
        len(p.answers) for p in given.participants
    ]
    assert parse_export(render_json(plain)) == plain, "it still imports"
