"""The finder answers as the bank does, for every key a role may answer and for keys the
bank does not know."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.workshop.core.analysis.question_finder import QuestionFinder
from bot.workshop.core.model import InterviewMode, Workshop, WorkshopStatus
from bot.workshop.core.questions import load_path_template, load_question_bank


def test_the_finder_finds_what_the_bank_finds() -> None:
    bank, template = load_question_bank(), load_path_template()
    workshop = Workshop(
        id=1,
        team_id="T1",
        channel_id="C1",
        facilitator_id="UF",
        title="Path",
        mode=InterviewMode.IN_TURN,
        status=WorkshopStatus.CLOSED,
        stages=tuple(stage.as_stage() for stage in template.stages),
        roles=tuple(role.as_role() for role in template.roles),
        created_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    finder = QuestionFinder(bank, workshop)
    for role in workshop.roles:
        keys = ["nothing.asked", "Idea.example", "handing_on"]
        for question in bank.questions_for(workshop, role.key):
            keys += [question.key, bank.example_for(question).key]
            keys += [part.key for part in question.parts]
            keys += [f.key for f in bank.followups_after(question)]
        for key in keys * 2:  # the second time from what the finder kept
            assert finder.find(role.key, key) == bank.find(workshop, role.key, key), key
