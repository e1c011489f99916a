"""The export document: one stored workshop as data, and its JSON, Markdown and CSV forms.

Pure: no I/O. The JSON form round-trips: importing it and exporting again gives the same
text, so it leaves out what a new database gives anew (ids, Slack message timestamps) and
the time of the export.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.workshop.durations import DurationRange, PercentRange, TimeBasis, Unknown
from bot.workshop.model import (
    Answer,
    Frozen,
    Interview,
    InterviewMode,
    InterviewStatus,
    Role,
    Stage,
    Workshop,
    WorkshopDetails,
    WorkshopStatus,
)
from bot.workshop.questions import QuestionBank, QuestionKind

SCHEMA_PATH = Path(__file__).parent / "schemas" / "workshop-export.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Timestamp = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class ExportFormat(StrEnum):
    JSON = "json"
    MARKDOWN = "md"
    CSV = "csv"


class ExportInvalid(Exception):
    """The text is not an export document; the message says what is wrong and where."""


class _Strict(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid")


_PARSED_SHAPES: dict[str, type[DurationRange | PercentRange | Unknown]] = {
    "duration": DurationRange,
    "percent": PercentRange,
    "unknown": Unknown,
}


class ExportedAnswer(_Strict):
    """One stored answer: what was typed, and what p2p read from it."""

    question_key: str = Field(min_length=1, max_length=200)
    stage: str | None = Field(default=None, max_length=100)
    label: str = Field(default="", description="From the question bank; ignored on import.")
    kind: QuestionKind = QuestionKind.TEXT
    raw_text: str
    parsed: dict[str, Any] | None = Field(
        default=None,
        description='A duration, a percentage, {"kind": "unknown"}, {"skipped": true}, or '
        "null. On import, null for a duration or percent question is read from raw_text.",
    )
    answered_at: Timestamp
    answered_by: str | None = Field(default=None, max_length=32)

    @field_validator("parsed")
    @classmethod
    def _known_shape(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        shape = _PARSED_SHAPES.get(str((value or {}).get("kind")))
        if value is not None and shape is not None:
            try:
                shape.model_validate(value)
            except ValidationError as error:
                raise ValueError(f"not a valid {value['kind']}: {_first_problem(error)}") from None
        return value


class ExportedParticipant(_Strict):
    """One person interviewed about one role, with every answer they gave."""

    user_id: str = Field(min_length=1, max_length=32)
    role_key: str = Field(min_length=1, max_length=64)
    role: str = Field(default="", description="The role's name; ignored on import.")
    status: InterviewStatus
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    paused: bool = False
    prompted_key: str | None = Field(
        default=None, max_length=200, description="The question last sent to the person, if any."
    )
    answers: tuple[ExportedAnswer, ...] = ()


class ExportedWorkshop(_Strict):
    """The workshop as it was set up: its path, its roles, and where it ran."""

    title: str = Field(min_length=1, max_length=200)
    team_id: str = Field(min_length=1, max_length=32)
    channel_id: str = Field(min_length=1, max_length=32)
    facilitator_id: str = Field(min_length=1, max_length=32)
    mode: InterviewMode
    status: WorkshopStatus
    created_at: Timestamp
    closed_at: Timestamp | None = None
    details: WorkshopDetails = WorkshopDetails()
    stages: tuple[Stage, ...]
    roles: tuple[Role, ...]


class ExportDocument(_Strict):
    """A p2p workshop: its stages, roles, participants and every answer, raw and parsed."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        title="p2p workshop export",
        json_schema_extra={"$schema": JSON_SCHEMA_DIALECT},
    )

    format: Literal["p2p.workshop"]
    version: Literal[1]
    workshop: ExportedWorkshop
    participants: tuple[ExportedParticipant, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ExportDocument:
        keys = [role.key for role in self.workshop.roles]
        _no_repeats("workshop.roles", keys, "role key")
        _no_repeats("workshop.stages", [s.name for s in self.workshop.stages], "stage name")
        known = ", ".join(keys) or "none"
        for index, stage in enumerate(self.workshop.stages):
            for key in stage.roles:
                if key not in keys:
                    raise ValueError(
                        f"workshop.stages[{index}].roles: {key!r} is not one of the roles ({known})"
                    )
        for index, person in enumerate(self.participants):
            where = f"participants[{index}]"
            if person.role_key not in keys:
                raise ValueError(
                    f"{where}.role_key: {person.role_key!r} is not one of the roles ({known})"
                )
            _no_repeats(f"{where}.answers", [a.question_key for a in person.answers], "question")
        pairs = [f"{p.user_id} as {p.role_key}" for p in self.participants]
        _no_repeats("participants", pairs, "participant")
        return self


def _no_repeats(where: str, values: Sequence[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{where}: {what} {value!r} appears twice")
        seen.add(value)


# -- building and reading ------------------------------------------------------------------


def build_export(
    workshop: Workshop,
    interviews: Sequence[Interview],
    answers: Sequence[Answer],
    bank: QuestionBank,
) -> ExportDocument:
    """The document for a stored workshop: participants and answers in the order stored.

    Labels and kinds come from the question bank; a key it does not know is its own label.
    """
    names = {role.key: role.name for role in workshop.roles}
    participants = []
    for interview in interviews:
        exported = []
        for answer in (a for a in answers if a.interview_id == interview.id):
            question = bank.find(workshop, interview.role_key, answer.question_key)
            exported.append(
                ExportedAnswer(
                    **answer.model_dump(exclude={"interview_id"}),
                    label=question.template.label if question else answer.question_key,
                    kind=question.kind if question else QuestionKind.TEXT,
                )
            )
        shared = interview.model_dump(include=set(ExportedParticipant.model_fields))
        role = names.get(interview.role_key, interview.role_key)
        participants.append(ExportedParticipant(**shared, role=role, answers=tuple(exported)))
    shared = workshop.model_dump(include=set(ExportedWorkshop.model_fields))
    return ExportDocument(
        format="p2p.workshop",
        version=1,
        workshop=ExportedWorkshop.model_validate(shared),
        participants=tuple(participants),
    )


def _location(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _first_problem(error: ValidationError) -> str:
    problems = error.errors(include_url=False)
    first = problems[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    where = _location(first["loc"])
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"


def parse_export(text: str) -> ExportDocument:
    """Read an export document; `ExportInvalid` says what is wrong and where."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportInvalid(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    try:
        return ExportDocument.model_validate(data)
    except ValidationError as error:
        raise ExportInvalid(_first_problem(error)) from None


def export_schema_text() -> str:
    """The JSON Schema checked in at SCHEMA_PATH, as it is written there."""
    return json.dumps(ExportDocument.model_json_schema(), indent=2, sort_keys=True) + "\n"


# -- renderings ----------------------------------------------------------------------------


def render_json(document: ExportDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"


def _figure(parsed: dict[str, Any] | None) -> DurationRange | PercentRange | None:
    """The duration or percentage read from an answer, if it holds one."""
    shape = _PARSED_SHAPES.get(str((parsed or {}).get("kind")))
    figure = None if shape is None else shape.model_validate(parsed)
    return figure if isinstance(figure, DurationRange | PercentRange) else None


def _working_days(duration: DurationRange) -> tuple[float, float]:
    """Low and high in working days; an unstated basis counts as working time, as in the
    interview's follow-up rules."""
    if not duration.basis_stated:
        duration = duration.model_copy(update={"basis": TimeBasis.WORKING})
    return duration.low_days(), duration.high_days()


def describe_parsed(parsed: dict[str, Any] | None) -> str:
    """What p2p read from an answer, in a few words; "" for plain text."""
    figure = _figure(parsed)
    if figure is not None:
        return figure.describe()
    if parsed and parsed.get("skipped"):
        return "skipped"
    return "don't know" if parsed and parsed.get("kind") == "unknown" else ""


def _number(value: float, places: int = 4) -> str:
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def _timestamp(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _minute(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _details_lines(details: WorkshopDetails) -> list[str]:
    lines = []
    if details.change:
        link = f" ({details.change_link})" if details.change_link else ""
        lines.append(f"- Change traced: {details.change}{link}")
    elif details.change_link:
        lines.append(f"- Change traced: {details.change_link}")
    lines.append(f"- From “{details.start_event}” to “{details.end_event}”")
    if details.deadline is not None:
        lines.append(f"- Deadline: {details.deadline.isoformat()}")
    return lines


def _answer_line(answer: ExportedAnswer) -> str:
    text = answer.raw_text.strip().replace("\n", "\n  ")
    reading = describe_parsed(answer.parsed)
    read = f" → *{reading}*" if reading else ""
    by = f" (answered by {answer.answered_by})" if answer.answered_by else ""
    return f"- **{answer.label or answer.question_key}:** {text}{read}{by}"


def _groups(
    document: ExportDocument, answers: Sequence[ExportedAnswer]
) -> list[tuple[str, list[ExportedAnswer]]]:
    """Answers by stage, in path order; answers tied to no stage come last."""
    order = [stage.name for stage in document.workshop.stages]
    order += [a.stage for a in answers if a.stage and a.stage not in order]
    grouped = [(name, [a for a in answers if a.stage == name]) for name in order]
    grouped.append(("Not tied to a stage", [a for a in answers if a.stage is None]))
    return [(name, group) for name, group in grouped if group]


def render_markdown(document: ExportDocument) -> str:
    workshop = document.workshop
    names = {role.key: role.name for role in workshop.roles}
    closed = f", closed {_minute(workshop.closed_at)}" if workshop.closed_at else ""
    mode = "in turn" if workshop.mode is InterviewMode.IN_TURN else "all at once"
    lines = [
        f"# {workshop.title}",
        "",
        f"- Channel {workshop.channel_id} (team {workshop.team_id}), facilitated by "
        f"{workshop.facilitator_id}",
        f"- Status: {workshop.status.value}; started {_minute(workshop.created_at)}{closed}",
        f"- Roles interviewed {mode}",
        *_details_lines(workshop.details),
        "",
        "## Stages",
        "",
    ]
    for index, stage in enumerate(workshop.stages, start=1):
        owners = ", ".join(names.get(key, key) for key in stage.roles) or "nobody"
        lines.append(f"{index}. {stage.name}: {owners}")
    for person in document.participants:
        role = names.get(person.role_key, person.role_key)
        paused = ", paused" if person.paused else ""
        lines += ["", f"## {role}: {person.user_id} ({person.status.value}{paused})"]
        if not person.answers:
            lines += ["", "No answers yet."]
        for name, group in _groups(document, person.answers):
            lines += ["", f"### {name}", "", *(_answer_line(a) for a in group)]
    return "\n".join(lines) + "\n"


CSV_COLUMNS = (
    "workshop", "role", "user_id", "stage", "question_key", "label", "kind", "raw_text",
    "parsed_low", "parsed_high", "parsed_unit", "parsed_basis", "working_days_low",
    "working_days_high", "answered_at", "answered_by",
)  # fmt: skip


def _figures(parsed: dict[str, Any] | None) -> tuple[str, ...]:
    figure = _figure(parsed)
    if isinstance(figure, DurationRange):
        low_days, high_days = _working_days(figure)
        unit, basis = figure.unit.value, figure.basis.value
        days = (_number(low_days, 2), _number(high_days, 2))
        return (_number(figure.low), _number(figure.high), unit, basis, *days)
    if isinstance(figure, PercentRange):
        return _number(figure.low), _number(figure.high), "percent", "", "", ""
    return ("",) * 6


def render_csv(document: ExportDocument) -> str:
    """One row per answer, under a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    names = {role.key: role.name for role in document.workshop.roles}
    for person in document.participants:
        for answer in person.answers:
            writer.writerow(
                (
                    document.workshop.title,
                    names.get(person.role_key, person.role_key),
                    person.user_id,
                    answer.stage or "",
                    answer.question_key,
                    answer.label,
                    answer.kind.value,
                    answer.raw_text,
                    *_figures(answer.parsed),
                    _timestamp(answer.answered_at),
                    answer.answered_by or "",
                )
            )
    return buffer.getvalue()


def render(document: ExportDocument, output: ExportFormat) -> str:
    if output is ExportFormat.MARKDOWN:
        return render_markdown(document)
    if output is ExportFormat.CSV:
        return render_csv(document)
    return render_json(document)
