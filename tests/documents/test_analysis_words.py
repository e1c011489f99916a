"""The analysis carries codes; the summary's Markdown and JSON put them into words."""

from __future__ import annotations

import json

import pytest

from bot.documents.summary import (
    build_summary_document,
    render_summary_json,
    render_summary_markdown,
)
from bot.rendering import Renderer
from bot.workshop.core.analysis.model import FACILITATOR, Gap, GapKind, Note, NoteKind
from tests.core.metrics_cases import Team, workshop
from tests.slack.test_summary_blocks import analysis


@pytest.mark.parametrize("kind", list(NoteKind))
def test_every_note_has_words(kind: NoteKind) -> None:
    assert Renderer().has_message(f"notes.{kind}"), f"add a macro {kind} to notes.j2"


@pytest.mark.parametrize(
    ("note", "words"),
    [
        (Note(kind=NoteKind.PT_OVER_LT), "hands-on time exceeds elapsed time"),
        (
            Note(kind=NoteKind.PT_SPREAD, context={"low": 0.125, "high": 1.0}),
            "hands-on time estimates differ more than 2× (1 h to 1 d)",
        ),
        (
            Note(
                kind=NoteKind.PT_SPREAD, context={"low": 1 / 3, "high": 12.0, "hours_per_day": 7.5}
            ),
            "hands-on time estimates differ more than 2× (2.5 h to 12 d)",
        ),
    ],
)
def test_a_note_reads_the_same_in_slack_and_in_plain_text(note: Note, words: str) -> None:
    assert Renderer().note(note) == words
    assert Renderer(for_slack=False).note(note) == words


def noted_team() -> Team:
    team = Team(workshop("Review=; Engineer=engineering"))
    team.person("engineering", "U1").says(
        {"Engineer.process_time": "1 hour", "Engineer.lead_time": "1 week"}
    )
    team.person("engineering", "U2").says(
        {"Engineer.process_time": "2 weeks", "Engineer.lead_time": "1 week"}
    )
    return team


def test_the_markdown_and_json_word_the_notes_the_owner_and_the_unit() -> None:
    result = noted_team().analyse(hours_per_day=7.5)
    engineer = result.stages[1]
    assert engineer.notes == (
        Note(kind=NoteKind.PT_OVER_LT),
        Note(kind=NoteKind.PT_SPREAD, context={"low": 1 / 7.5, "high": 10.0, "hours_per_day": 7.5}),
    )
    assert Gap(kind=GapKind.UNOWNED_STAGE, subject="Review", suggested_owner=FACILITATOR) in (
        result.gaps
    )
    spread = "hands-on time estimates differ more than 2× (1 h to 10 d)"
    text = render_summary_markdown(result, Renderer(for_slack=False), named=False)
    lines = text.splitlines()
    assert "- hands-on time exceeds elapsed time" in lines
    assert f"- {spread}" in lines
    assert "- unowned stage: Review (ask: facilitator)" in lines
    document = json.loads(render_summary_json(build_summary_document(result, named=False)))
    assert document["stages"][1]["notes"] == ["hands-on time exceeds elapsed time", spread]
    assert document["unit"] == "working days of 7.5 hours"
    unowned = {"kind": "unowned_stage", "subject": "Review", "suggested_owner": "facilitator"}
    assert {**unowned, "figure": ""} in document["gaps"]


def test_the_json_unit_names_the_hours_of_a_working_day() -> None:
    document = build_summary_document(analysis(1, 5), named=False)
    assert document.unit == "working days of 8 hours"
    assert document.stages[0].notes == ()
