"""A step's answer (bot.workshop.core.steps): parts merged across replies, what is still
missing, skips and "don't know", and the parts seen as answers of their own."""

from __future__ import annotations

from typing import Any

from bot.workshop.core.model import Answer
from bot.workshop.core.questions import Question
from bot.workshop.core.steps import (
    describe_parts,
    expand_answers,
    interpret_parts,
    interpret_step,
    is_done,
    missing_parts,
    step_parts,
)
from tests.core.metrics_cases import BANK, WHEN, workshop

PATH = workshop("Idea=product; Design=product,engineering")
FIGURES = BANK.find(PATH, "engineering", "Design.figures")
assert FIGURES is not None


def stored(question: Question, parsed: dict[str, Any] | None, text: str = "") -> Answer:
    return Answer(
        interview_id=1,
        question_key=question.key,
        stage=question.stage,
        raw_text=text,
        parsed=parsed,
        answered_at=WHEN,
    )


def missing(answer: Answer | None) -> list[str]:
    assert FIGURES is not None
    return [p.base_key for p in missing_parts(FIGURES, answer)]


def test_a_partial_reply_is_kept_and_only_the_rest_is_missing() -> None:
    assert FIGURES is not None
    first = interpret_step(FIGURES, "2 days of work over 3 weeks", None)
    assert first.accepted
    answer = stored(FIGURES, first.parsed)
    assert missing(answer) == ["rework", "receive_pca"]
    assert not is_done(FIGURES, answer)
    second = interpret_step(FIGURES, "comes back rarely, usable about half the time", answer)
    answer = stored(FIGURES, second.parsed)
    assert missing(answer) == []
    assert is_done(FIGURES, answer)
    assert sorted(step_parts(answer)) == [
        "Design.lead_time", "Design.process_time", "Design.receive_pca", "Design.rework",
    ]  # fmt: skip


def test_a_reply_with_nothing_readable_is_refused() -> None:
    assert FIGURES is not None
    assert not interpret_step(FIGURES, "it depends", None).accepted
    assert not interpret_step(FIGURES, "   ", None).accepted


def test_skip_skips_what_is_still_missing_and_keeps_what_was_given() -> None:
    assert FIGURES is not None
    given = stored(FIGURES, interpret_step(FIGURES, "1 day of work over 2 weeks", None).parsed)
    skipped = stored(FIGURES, interpret_step(FIGURES, "skip", given).parsed)
    assert is_done(FIGURES, skipped)
    parts = step_parts(skipped)
    assert parts["Design.rework"]["parsed"] == {"skipped": True}
    assert parts["Design.process_time"]["parsed"]["kind"] == "duration"
    assert interpret_step(FIGURES, "skip", None).parsed == {"skipped": True}


def test_a_menu_or_form_answers_single_parts_and_refuses_unreadable_fields() -> None:
    assert FIGURES is not None
    reading, unreadable = interpret_parts(FIGURES, {"Design.lead_time": "1 week"}, None)
    assert reading.accepted
    assert unreadable == {}
    assert missing(stored(FIGURES, reading.parsed)) == ["process_time", "rework", "receive_pca"]
    reading, unreadable = interpret_parts(FIGURES, {"Design.lead_time": "a while"}, None)
    assert not reading.accepted
    assert unreadable == {"Design.lead_time": "duration"}


def test_the_parts_count_as_answers_of_their_own() -> None:
    assert FIGURES is not None
    text = "2 days of work over 3 weeks, comes back rarely, usable 60%"
    answer = stored(FIGURES, interpret_step(FIGURES, text, None).parsed, text)
    parts = {a.question_key: a for a in expand_answers([answer])}
    assert parts["Design.process_time"].raw_text == "2 days of work"
    assert parts["Design.receive_pca"].parsed == {
        "low": 60.0, "high": 60.0, "approximate": False, "kind": "percent",
    }  # fmt: skip
    assert all(a.stage == "Design" for a in parts.values())
    assert "Hands-on time: 2 days of work" in describe_parts(FIGURES, answer)
    plain = stored(FIGURES, None, "typed")
    assert expand_answers([plain]) == [plain], "an answer that is not a step stays itself"
