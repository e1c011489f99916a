"""The export document's renderings: JSON (what `p2p import` reads), Markdown and CSV.

Pure: the document in, text out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.workshop.core.durations import DurationRange, PercentRange, TimeBasis
from bot.workshop.core.export import (
    PARSED_SHAPES,
    ExportDocument,
    ExportedAnswer,
    ExportFormat,
)
from bot.workshop.core.model import InterviewMode, WorkshopDetails


def render_json(document: ExportDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"


def _figure(parsed: dict[str, Any] | None) -> DurationRange | PercentRange | None:
    """The duration or percentage read from an answer, if it holds one."""
    shape = PARSED_SHAPES.get(str((parsed or {}).get("kind")))
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
