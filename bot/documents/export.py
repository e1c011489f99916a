"""The export document's renderings: JSON (what `p2p import` reads), Markdown and CSV.

Pure: the document in, text out. The Markdown's words come from
prompts/messages/export_md.j2; the JSON and CSV hold the document's fields and codes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from bot.rendering import Renderer
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


@cache
def _plain_renderer() -> Renderer:
    return Renderer(for_slack=False)


def describe_parsed(parsed: dict[str, Any] | None, renderer: Renderer | None = None) -> str:
    """What p2p read from an answer, in a few words; "" for plain text."""
    figure = _figure(parsed)
    if figure is not None:
        return figure.describe()
    words = renderer or _plain_renderer()
    if parsed and parsed.get("skipped"):
        return words.message("export_md.skipped")
    return words.message("export_md.unknown") if parsed and parsed.get("kind") == "unknown" else ""


def _number(value: float, places: int = 4) -> str:
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def _timestamp(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _minute(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _details_lines(details: WorkshopDetails, renderer: Renderer) -> list[str]:
    lines = []
    if details.change or details.change_link:
        change_line = renderer.message(
            "export_md.change_line", change=details.change, link=details.change_link
        )
        lines.append(change_line)
    lines.append(
        renderer.message("export_md.events_line", start=details.start_event, end=details.end_event)
    )
    if details.deadline is not None:
        lines.append(
            renderer.message("export_md.deadline_line", deadline=details.deadline.isoformat())
        )
    return lines


def _answer_line(answer: ExportedAnswer, renderer: Renderer) -> str:
    return renderer.message(
        "export_md.answer_line",
        label=answer.label or answer.question_key,
        text=answer.raw_text.strip().replace("\n", "\n  "),
        reading=describe_parsed(answer.parsed, renderer),
        by=answer.answered_by,
    )


def _groups(
    document: ExportDocument, answers: Sequence[ExportedAnswer], unplaced: str
) -> list[tuple[str, list[ExportedAnswer]]]:
    """Answers by stage, in path order; answers tied to no stage come last, as `unplaced`."""
    order = [stage.name for stage in document.workshop.stages]
    order += [a.stage for a in answers if a.stage and a.stage not in order]
    grouped = [(name, [a for a in answers if a.stage == name]) for name in order]
    grouped.append((unplaced, [a for a in answers if a.stage is None]))
    return [(name, group) for name, group in grouped if group]


def render_markdown(document: ExportDocument, renderer: Renderer | None = None) -> str:
    """``renderer``, for the words, should be a plain-text one (the default)."""
    say = renderer or _plain_renderer()
    workshop = document.workshop
    names = {role.key: role.name for role in workshop.roles}
    lines = [
        f"# {workshop.title}",
        "",
        say.message(
            "export_md.channel_line",
            channel=workshop.channel_id,
            team=workshop.team_id,
            facilitator=workshop.facilitator_id,
        ),
        say.message(
            "export_md.status_line",
            status=workshop.status.value,
            started=_minute(workshop.created_at),
            closed=_minute(workshop.closed_at),
        ),
        say.message("export_md.mode_line", in_turn=workshop.mode is InterviewMode.IN_TURN),
        *_details_lines(workshop.details, say),
        "",
        say.message("export_md.stages_heading"),
        "",
    ]
    for index, stage in enumerate(workshop.stages, start=1):
        owners = [names.get(key, key) for key in stage.roles]
        lines.append(
            say.message("export_md.stage_line", number=index, name=stage.name, owners=owners)
        )
    unplaced = say.message("export_md.no_stage")
    for person in document.participants:
        heading = say.message(
            "export_md.participant_heading",
            role=names.get(person.role_key, person.role_key),
            user_id=person.user_id,
            status=person.status.value,
            paused=person.paused,
        )
        lines += ["", heading]
        if not person.answers:
            lines += ["", say.message("export_md.no_answers")]
        for name, group in _groups(document, person.answers, unplaced):
            lines += ["", f"### {name}", "", *(_answer_line(a, say) for a in group)]
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading
    apostrophe, as OWASP's advice on CSV injection has it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_csv(document: ExportDocument) -> str:
    """One row per answer, under a header row; every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    # Rows end in CRLF, as RFC 4180 has it: the writer then quotes every cell holding a
    # line break, a lone carriage return included (one ending rows in "\n" leaves "\r"
    # bare, and spreadsheets start a new row there).
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    names = {role.key: role.name for role in document.workshop.roles}
    for person in document.participants:
        for answer in person.answers:
            row = (
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
            writer.writerow(_cell(value) for value in row)
    return buffer.getvalue()


def render(document: ExportDocument, output: ExportFormat) -> str:
    if output is ExportFormat.MARKDOWN:
        return render_markdown(document)
    if output is ExportFormat.CSV:
        return render_csv(document)
    return render_json(document)
