"""The export document: one stored workshop as data, and its JSON, Markdown and CSV forms.

Pure: no I/O. The JSON form round-trips: importing it and exporting again gives the same
text, so it leaves out what a new database gives anew (ids, Slack message timestamps) and
the time of the export.
"""

from __future__ import annotations

import json
import re
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

from bot.workshop.core.analysis.question_finder import QuestionFinder
from bot.workshop.core.durations import DurationRange, PercentRange, Unknown
from bot.workshop.core.model import (
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
from bot.workshop.core.questions import QuestionBank, QuestionKind
from bot.workshop.core.steps import expand_answers

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


PARSED_SHAPES: dict[str, type[DurationRange | PercentRange | Unknown]] = {
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
        shape = PARSED_SHAPES.get(str((value or {}).get("kind")))
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
    """The document for a stored workshop: participants and answers in the order stored,
    a step's answer as one answer a part (so an export reads like the questions asked).

    Labels and kinds come from the question bank; a key it does not know is its own label.
    """
    names = {role.key: role.name for role in workshop.roles}
    questions = QuestionFinder(bank, workshop)
    by_interview: dict[int, list[Answer]] = {}
    for answer in answers:
        by_interview.setdefault(answer.interview_id, []).append(answer)
    participants = []
    for interview in interviews:
        exported = []
        for answer in expand_answers(by_interview.get(interview.id, ())):
            question = questions.find(interview.role_key, answer.question_key)
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


MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def without_names(document: ExportDocument) -> ExportDocument:
    """The document as a workshop with anonymous quotes shares it: each person becomes
    "participant-1", "participant-2", … (in the order interviewed, the same alias wherever
    they appear), the facilitator and co-facilitators are not named, and people mentioned
    in answers are not either. The operator's `p2p export` keeps everything."""
    aliases: dict[str, str] = {}

    def alias(user_id: str) -> str:
        return aliases.setdefault(user_id, f"participant-{len(aliases) + 1}")

    def answer(given: ExportedAnswer) -> ExportedAnswer:
        by = alias(given.answered_by) if given.answered_by else None
        return given.model_copy(
            update={"answered_by": by, "raw_text": MENTION.sub("@someone", given.raw_text)}
        )

    participants = tuple(
        person.model_copy(
            update={
                "user_id": alias(person.user_id),
                "answers": tuple(answer(a) for a in person.answers),
            }
        )
        for person in document.participants
    )
    details = document.workshop.details.model_copy(update={"co_facilitators": ()})
    workshop = document.workshop.model_copy(
        update={"facilitator_id": "facilitator", "details": details}
    )
    return document.model_copy(update={"workshop": workshop, "participants": participants})


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
