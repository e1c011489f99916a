"""A stored reply edited or deleted (bot.workshop.core.reply_edits): the edit is read again
for the parts that reply filled, the other replies' parts stay, and a deletion takes out
only what that reply gave."""

from __future__ import annotations

import pytest

from bot.workshop.core.model import Answer
from bot.workshop.core.questions import Question
from bot.workshop.core.reply_edits import (
    AnswerReply,
    edited_answer,
    filled_by,
    replace_lines,
    stands_for,
    withdrawn_answer,
)
from bot.workshop.core.steps import SKIPPED, interpret_step, is_done, step_parts
from tests.core.metrics_cases import BANK, WHEN, workshop

PATH = workshop("Idea=product; Design=product,engineering")
FIGURES = BANK.find(PATH, "engineering", "Design.figures")
WAITING = BANK.find(PATH, "product", "Idea.waiting_for")
assert FIGURES is not None
assert WAITING is not None
FIRST, SECOND = "2 days of work over 3 weeks", "comes back rarely, usable about half the time"


def typed(question: Question, *texts: str) -> tuple[Answer, list[AnswerReply]]:
    """The answer a run of typed replies builds, and the replies as stored with it."""
    answer: Answer | None = None
    stored: list[AnswerReply] = []
    for n, text in enumerate(texts):
        reading = interpret_step(question, text, answer)
        assert reading.accepted, text
        after = Answer(
            interview_id=1,
            question_key=question.key,
            stage=question.stage,
            raw_text=text if answer is None else f"{answer.raw_text}\n{text}",
            parsed=reading.parsed,
            answered_at=WHEN,
        )
        stored.append(
            AnswerReply(
                interview_id=1,
                question_key=question.key,
                message_ts=f"1.{n}",
                text=text,
                parts=filled_by(question, answer, after),
            )
        )
        answer = after
    assert answer is not None
    return answer, stored


def said(answer: Answer | None) -> dict[str, str]:
    return {key: value["text"] for key, value in step_parts(answer).items()}


def test_each_reply_knows_the_parts_it_filled() -> None:
    assert FIGURES is not None
    _, (first, second) = typed(FIGURES, FIRST, SECOND)
    assert first.parts == ("Design.process_time", "Design.lead_time")
    assert second.parts == ("Design.rework", "Design.receive_pca")
    _, (whole,) = typed(FIGURES, "skip")
    assert whole.is_whole(FIGURES)


def test_an_edit_rereads_its_own_parts_and_keeps_the_others() -> None:
    assert FIGURES is not None
    answer, (first, _) = typed(FIGURES, FIRST, SECOND)

    edited = edited_answer(FIGURES, answer, first, "3 days of work over 5 weeks", WHEN)

    assert edited is not None
    assert said(edited) == {
        "Design.process_time": "3 days of work",
        "Design.lead_time": "5 weeks",
        "Design.rework": "rarely",
        "Design.receive_pca": "about half the time",
    }
    assert step_parts(edited)["Design.lead_time"]["parsed"]["low"] == 5
    assert edited.raw_text == f"3 days of work over 5 weeks\n{SECOND}"
    assert is_done(FIGURES, edited)


def test_an_edit_is_read_as_a_fresh_reply_wanting_just_those_parts() -> None:
    """A step that wants one part reads the whole reply as that part."""
    assert FIGURES is not None
    answer, (_, _, last) = typed(FIGURES, FIRST, "comes back rarely", "about half the time")
    assert last.parts == ("Design.receive_pca",)

    edited = edited_answer(FIGURES, answer, last, "most of the time", WHEN)

    assert edited is not None
    assert said(edited)["Design.receive_pca"] == "most of the time"
    assert said(edited)["Design.rework"] == "rarely"


@pytest.mark.parametrize(
    "text",
    ["it depends", "3 days of work", "   "],
    ids=["nothing readable", "a figure it gave is gone", "empty"],
)
def test_an_edit_that_no_longer_answers_its_parts_is_refused(text: str) -> None:
    assert FIGURES is not None
    answer, (first, _) = typed(FIGURES, FIRST, SECOND)
    assert edited_answer(FIGURES, answer, first, text, WHEN) is None


def test_skip_as_an_edit_skips_that_replys_parts_or_the_whole_step_when_alone() -> None:
    assert FIGURES is not None
    answer, (first, _) = typed(FIGURES, FIRST, SECOND)
    edited = edited_answer(FIGURES, answer, first, "skip", WHEN)
    assert edited is not None
    assert step_parts(edited)["Design.process_time"]["parsed"] == SKIPPED
    assert said(edited)["Design.rework"] == "rarely"

    alone, (only,) = typed(FIGURES, f"{FIRST}, {SECOND}")
    skipped = edited_answer(FIGURES, alone, only, "skip", WHEN)
    assert skipped is not None
    assert skipped.parsed == SKIPPED
    assert skipped.raw_text == "skip"
    assert filled_by(FIGURES, withdrawn_answer(FIGURES, alone, only), skipped) == (FIGURES.key,)


def test_a_whole_answer_is_replaced_only_by_a_whole_answer() -> None:
    assert FIGURES is not None
    answer, (whole,) = typed(FIGURES, "skip")
    full = edited_answer(FIGURES, answer, whole, f"{FIRST}, {SECOND}", WHEN)
    assert full is not None
    assert len(step_parts(full)) == 4
    assert edited_answer(FIGURES, answer, whole, FIRST, WHEN) is None, "half a step"


def test_a_single_question_is_read_by_its_kind() -> None:
    assert WAITING is not None
    answer, (reply,) = typed(WAITING, "The steering group")
    edited = edited_answer(WAITING, answer, reply, "The monthly release train", WHEN)
    assert edited is not None
    assert edited.raw_text == "The monthly release train"
    assert withdrawn_answer(WAITING, answer, reply) is None


def test_a_deletion_withdraws_only_what_that_reply_gave() -> None:
    assert FIGURES is not None
    answer, (first, second) = typed(FIGURES, FIRST, SECOND)

    left = withdrawn_answer(FIGURES, answer, first)

    assert left is not None
    assert said(left) == {"Design.rework": "rarely", "Design.receive_pca": "about half the time"}
    assert left.raw_text == SECOND
    assert not is_done(FIGURES, left), "the step is open again"
    assert withdrawn_answer(FIGURES, left, second) is None, "nothing left: the answer goes"


def test_a_reply_stands_for_its_answer_until_somebody_replaces_it() -> None:
    assert FIGURES is not None
    answer, (first, _) = typed(FIGURES, FIRST, SECOND)
    assert stands_for(FIGURES, answer, first)
    handed = answer.model_copy(update={"parsed": {"delegated_to": "U2"}})
    assert not stands_for(FIGURES, handed, first)
    by_colleague = answer.model_copy(update={"answered_by": "U2"})
    assert not stands_for(FIGURES, by_colleague, first)


@pytest.mark.parametrize(
    ("raw", "old", "new", "expected"),
    [
        ("a", "a", "b", "b"),
        ("a\nb\nc", "b", "x", "a\nx\nc"),
        ("a\nb", "a", "", "b"),
        ("a\nb", "b", "", "a"),
        ("ab\nb", "b", "x", "ab\nx"),
        ("two\nlines\nthen", "two\nlines", "one", "one\nthen"),
        ("a\nb", "c", "x", None),
    ],
)
def test_replace_lines(raw: str, old: str, new: str, expected: str | None) -> None:
    assert replace_lines(raw, old, new) == expected
