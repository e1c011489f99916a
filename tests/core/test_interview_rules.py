"""The interview's pure rules, run against the real question bank: what a reply means,
which follow-ups it earns, what is asked next and whose turn it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bot.workshop.core.interview import (
    all_finished,
    interpret_answer,
    interpret_text,
    interview_progress,
    interviews_to_start,
    is_vague,
    probes_after,
)
from bot.workshop.core.model import Answer, Interview, InterviewMode, InterviewStatus, Workshop
from bot.workshop.core.questions import QuestionKind
from tests.core.metrics_cases import BANK, WHEN, workshop

TEXT, DURATION, PERCENT = QuestionKind.TEXT, QuestionKind.DURATION, QuestionKind.PERCENT
WAITING, ACTIVE = InterviewStatus.WAITING, InterviewStatus.ACTIVE
DONE, SKIPPED = InterviewStatus.DONE, InterviewStatus.SKIPPED
PATH = workshop("Idea=product; Design=product,engineering; Test=quality")


def answers(role_key: str, texts: Mapping[str, str]) -> dict[str, Answer]:
    """The stored answers to `texts`, each read as its question in the real bank reads it."""
    found: dict[str, Answer] = {}
    for key, text in texts.items():
        question = BANK.find(PATH, role_key, key)
        assert question is not None, key
        reading = interpret_answer(question, text)
        assert reading.accepted, text
        found[key] = Answer(
            interview_id=1,
            question_key=key,
            stage=question.stage,
            raw_text=text,
            parsed=reading.parsed,
            answered_at=WHEN,
        )
    return found


def interview(number: int, role_key: str, status: InterviewStatus) -> Interview:
    return Interview(
        id=number, workshop_id=PATH.id, user_id=f"U{number}", role_key=role_key, status=status
    )


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        pytest.param(TEXT, "skip", {"skipped": True}, id="skip-text"),
        pytest.param(DURATION, "  Skip this one. ", {"skipped": True}, id="skip-with-stop"),
        pytest.param(TEXT, "We wait for the CAB", None, id="text-as-typed"),
        pytest.param(
            DURATION,
            "2-3 weeks",
            {"kind": "duration", "low": 2, "high": 3, "unit": "weeks"},
            id="duration-range",
        ),
        pytest.param(PERCENT, "90%", {"kind": "percent", "low": 90, "high": 90}, id="percent"),
        pytest.param(
            PERCENT, "most of the time", {"kind": "percent", "low": 75, "high": 90}, id="most"
        ),
        pytest.param(DURATION, "don't know", {"kind": "unknown"}, id="duration-unknown"),
    ],
)
def test_an_accepted_reply_is_parsed_by_its_kind(
    kind: QuestionKind, text: str, expected: dict[str, Any] | None
) -> None:
    reading = interpret_text(kind, text)
    assert reading.accepted
    if expected is None:
        assert reading.parsed is None
    else:
        assert reading.parsed is not None
        assert reading.parsed.items() >= expected.items()


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        pytest.param(TEXT, "   ", id="blank-text"),
        pytest.param(DURATION, "a while", id="duration-without-figure"),
        pytest.param(PERCENT, "lots", id="percent-without-figure"),
        pytest.param(PERCENT, "150%", id="percent-over-100"),
    ],
)
def test_an_unreadable_reply_is_refused(kind: QuestionKind, text: str) -> None:
    assert interpret_text(kind, text).accepted is False


DESIGN = {"Design.process_time": "1 day"}
DESIGN_PAIN = "Design.pain"


@pytest.mark.parametrize(
    ("texts", "after", "earned"),
    [
        # ratio: elapsed time at least 3x the hands-on time, both in working days
        pytest.param(
            {**DESIGN, "Design.lead_time": "2 weeks"}, "Design.lead_time",
            ["Design.waiting_for"], id="ratio-lead-far-over-process",
        ),
        pytest.param(
            {**DESIGN, "Design.lead_time": "3 working days"}, "Design.lead_time",
            ["Design.waiting_for"], id="ratio-exactly-3x",
        ),
        pytest.param(
            {**DESIGN, "Design.lead_time": "2 working days"}, "Design.lead_time", [],
            id="ratio-under-3x",
        ),
        pytest.param(
            {"Design.process_time": "2 hours", "Design.lead_time": "1 day"}, "Design.lead_time",
            ["Design.waiting_for"], id="ratio-across-units",
        ),
        pytest.param(
            {"Design.process_time": "none", "Design.lead_time": "1 day"}, "Design.lead_time",
            ["Design.waiting_for"], id="ratio-no-hands-on-time",
        ),
        pytest.param(
            {"Design.process_time": "none", "Design.lead_time": "instant"}, "Design.lead_time",
            [], id="ratio-nothing-over-nothing",
        ),
        pytest.param(
            {"Design.process_time": "don't know", "Design.lead_time": "2 weeks"},
            "Design.lead_time", [], id="ratio-process-unknown",
        ),
        # below: what is received is usable as it is less than 70% of the time
        pytest.param({"receive_pca": "about half"}, "receive_pca", ["pca_missing"], id="pca-50"),
        pytest.param({"receive_pca": "70%"}, "receive_pca", [], id="pca-at-70"),
        # above: work comes back more than 10% of the time
        pytest.param(
            {"Design.rework": "sometimes"}, "Design.rework", ["Design.rework_why"], id="rework-30+"
        ),
        pytest.param({"Design.rework": "10%"}, "Design.rework", [], id="rework-at-10"),
        # mentions: words in any substantive answer of the same stage
        pytest.param(
            {DESIGN_PAIN: "we wait for the CAB every week"}, DESIGN_PAIN,
            ["Design.approval_details"], id="mentions-cab",
        ),
        pytest.param(
            {DESIGN_PAIN: "the firewall change needs a steering committee"}, DESIGN_PAIN,
            ["Design.approval_details", "Design.request_details"], id="mentions-two-in-order",
        ),
        pytest.param(
            {"Design.needs": "a ticket to the ops team", DESIGN_PAIN: "slow reviews all round"},
            DESIGN_PAIN, ["Design.request_details"], id="mentions-elsewhere-in-stage",
        ),
        pytest.param(
            {DESIGN_PAIN: "we wait on the support portal"}, DESIGN_PAIN, [],
            id="mentions-whole-words-only",
        ),
        # vague: a short text answer earns one "can you give an example?"
        pytest.param({DESIGN_PAIN: "It depends"}, DESIGN_PAIN, ["Design.pain.example"], id="vague"),
        pytest.param(
            {DESIGN_PAIN: "approval board"}, DESIGN_PAIN,
            ["Design.pain.example", "Design.approval_details"], id="vague-and-mentions",
        ),
        pytest.param({DESIGN_PAIN: "none"}, DESIGN_PAIN, [], id="complete-none"),
        pytest.param({"receive_confirm": "Yes"}, "receive_confirm", [], id="complete-yes"),
        pytest.param({DESIGN_PAIN: "skip"}, DESIGN_PAIN, [], id="skipped"),
        pytest.param({DESIGN_PAIN: "slow, very slow"}, DESIGN_PAIN, [], id="three-words-not-vague"),
        pytest.param(
            {f"{DESIGN_PAIN}.example": "the board"}, f"{DESIGN_PAIN}.example", [],
            id="an-example-earns-nothing",
        ),
    ],
)  # fmt: skip
def test_the_follow_ups_an_answer_earns(
    texts: dict[str, str], after: str, earned: list[str]
) -> None:
    question = BANK.find(PATH, "engineering", after)
    assert question is not None
    probes = probes_after(BANK, question, answers("engineering", texts))
    assert [probe.key for probe in probes] == earned


@pytest.mark.parametrize(
    ("parsed", "vague"),
    [
        pytest.param({"skipped": True}, False, id="skipped"),
        pytest.param({"delegated_to": "U2"}, False, id="handed-on"),
    ],
)
def test_a_skipped_or_handed_on_answer_is_never_vague(
    parsed: dict[str, Any] | None, vague: bool
) -> None:
    answer = Answer(
        interview_id=1,
        question_key=DESIGN_PAIN,
        stage="Design",
        raw_text="it depends",
        parsed=parsed,
        answered_at=WHEN,
    )
    assert is_vague(answer, BANK.vague_answer_words) is vague


BASE = len(BANK.questions_for(PATH, "product"))
NEEDS = {"Idea.needs": "a signed business case"}
IDEA = {"Idea.what_happens": "sponsor found for the idea", **NEEDS}
UP_TO_LEAD_TIME = {
    **IDEA,
    "Idea.who_and_tools": "the PO, in Jira",
    "Idea.output": "a one-page business case",
    "Idea.process_time": "1 day",
}


@pytest.mark.parametrize(
    ("texts", "next_key", "probes"),
    [
        pytest.param({}, "Idea.what_happens", 0, id="nothing-answered"),
        pytest.param(IDEA, "Idea.who_and_tools", 0, id="the-next-in-order"),
        pytest.param(NEEDS, "Idea.what_happens", 0, id="a-gap-comes-first"),
        pytest.param(
            {"Idea.what_happens": "idea"}, "Idea.what_happens.example", 1, id="example-next"
        ),
        pytest.param(
            {**NEEDS, "Idea.what_happens": "idea", "Idea.what_happens.example": "a new report"},
            "Idea.who_and_tools",
            1,
            id="example-answered",
        ),
        pytest.param(
            {**UP_TO_LEAD_TIME, "Idea.lead_time": "1 month"},
            "Idea.waiting_for",
            1,
            id="probe-right-after-its-question",
        ),
        pytest.param(
            {**UP_TO_LEAD_TIME, "Idea.lead_time": "2 days"},
            "Idea.lead_time_worst",
            0,
            id="no-probe-earned",
        ),
    ],
)
def test_what_is_asked_next(texts: dict[str, str], next_key: str, probes: int) -> None:
    progress = interview_progress(BANK, PATH, "product", answers("product", texts))
    assert progress.next is not None
    assert progress.next.key == next_key
    assert progress.answered == len(texts)
    assert progress.expected == BASE + probes


def test_an_interview_with_every_question_answered_asks_nothing() -> None:
    reply = {TEXT: "none", DURATION: "1 day", PERCENT: "never"}
    texts = {q.key: reply[q.kind] for q in BANK.questions_for(PATH, "product")}
    progress = interview_progress(BANK, PATH, "product", answers("product", texts))
    assert progress.next is None
    assert progress.answered == progress.expected == BASE == 27


def in_turn(path: Workshop) -> Workshop:
    return path.model_copy(update={"mode": InterviewMode.IN_TURN})


# people: "role[:status]" per interview, numbered from 1; the status is waiting unless given
@pytest.mark.parametrize(
    ("path", "people", "started"),
    [
        pytest.param(PATH, "quality product engineering", [1, 2, 3], id="all-at-once"),
        pytest.param(
            PATH, "product:active engineering quality:done", [2], id="all-at-once-while-active"
        ),
        pytest.param(
            in_turn(PATH), "quality engineering product product", [3, 4], id="in-turn-first-role"
        ),
        pytest.param(in_turn(PATH), "product:active engineering", [], id="in-turn-one-active"),
        pytest.param(
            in_turn(PATH), "quality product:done engineering product:skipped", [3], id="next-role"
        ),
    ],
)
def test_the_interviews_whose_turn_has_come(
    path: Workshop, people: str, started: list[int]
) -> None:
    roles_and_statuses = [(*person.split(":"), "waiting")[:2] for person in people.split()]
    interviews = [
        interview(number, role, InterviewStatus(status))
        for number, (role, status) in enumerate(roles_and_statuses, start=1)
    ]
    assert [i.id for i in interviews_to_start(path, interviews)] == started


@pytest.mark.parametrize(
    ("statuses", "finished"),
    [
        pytest.param([], False, id="no-interviews"),
        pytest.param([DONE, SKIPPED], True, id="done-or-skipped"),
        pytest.param([DONE, ACTIVE], False, id="one-active"),
    ],
)
def test_all_finished(statuses: list[InterviewStatus], finished: bool) -> None:
    interviews = [interview(n, "product", s) for n, s in enumerate(statuses, start=1)]
    assert all_finished(interviews) is finished
