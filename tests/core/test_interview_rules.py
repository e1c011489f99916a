"""The interview's pure rules, run against the real question bank: what a reply means,
which follow-ups it earns, what is asked next and whose turn it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bot.workshop.core.interview import (
    all_finished,
    interpret_answer,
    interview_progress,
    interviews_to_start,
    is_vague,
    probes_after,
)
from bot.workshop.core.model import Answer, Interview, InterviewMode, InterviewStatus, Workshop
from bot.workshop.core.questions import QuestionKind
from bot.workshop.core.steps import interpret_parts, interpret_text
from tests.core.metrics_cases import BANK, WHEN, workshop

TEXT, DURATION, PERCENT = QuestionKind.TEXT, QuestionKind.DURATION, QuestionKind.PERCENT
WAITING, ACTIVE = InterviewStatus.WAITING, InterviewStatus.ACTIVE
DONE, SKIPPED = InterviewStatus.DONE, InterviewStatus.SKIPPED
PATH = workshop("Idea=product; Design=product,engineering; Test=quality")


def answers(
    role_key: str, texts: Mapping[str, str], path: Workshop | None = None
) -> dict[str, Answer]:
    """The stored answers to `texts` (by question or part key): the parts of a step are
    stored together as the step's answer, each read as its part in the real bank."""
    path = path or PATH
    found: dict[str, Answer] = {}
    steps: dict[str, dict[str, str]] = {}
    for key, text in texts.items():
        question = BANK.find(path, role_key, key)
        assert question is not None, key
        if question.part_of is not None:
            steps.setdefault(question.part_of, {})[key] = text
            continue
        reading = interpret_answer(question, text)
        assert reading.accepted, text
        found[key] = stored(key, question.stage, text, reading.parsed)
    for key, parts in steps.items():
        step = BANK.find(path, role_key, key)
        assert step is not None, key
        reading, unreadable = interpret_parts(step, parts, None)
        assert reading.accepted, unreadable
        found[key] = stored(key, step.stage, " ".join(parts.values()), reading.parsed)
    return found


def stored(key: str, stage: str | None, text: str, parsed: dict[str, Any] | None) -> Answer:
    return Answer(
        interview_id=1,
        question_key=key,
        stage=stage,
        raw_text=text,
        parsed=parsed,
        answered_at=WHEN,
    )


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
STORY = {DESIGN_PAIN: "Slow reviews all round, every week"}


@pytest.mark.parametrize(
    ("texts", "earned"),
    [
        # ratio: elapsed time at least 3x the hands-on time, both in working days
        pytest.param({**DESIGN, "Design.lead_time": "2 weeks"}, ["Design.waiting_for"],
                     id="ratio-lead-far-over-process"),
        pytest.param({**DESIGN, "Design.lead_time": "3 working days"}, ["Design.waiting_for"],
                     id="ratio-exactly-3x"),
        pytest.param({**DESIGN, "Design.lead_time": "2 working days"}, [], id="ratio-under-3x"),
        pytest.param({"Design.process_time": "2 hours", "Design.lead_time": "1 day"},
                     ["Design.waiting_for"], id="ratio-across-units"),
        pytest.param({"Design.process_time": "none", "Design.lead_time": "1 day"},
                     ["Design.waiting_for"], id="ratio-no-hands-on-time"),
        pytest.param({"Design.process_time": "none", "Design.lead_time": "instant"}, [],
                     id="ratio-nothing-over-nothing"),
        pytest.param({"Design.process_time": "don't know", "Design.lead_time": "2 weeks"}, [],
                     id="ratio-process-unknown"),
        # below: what arrives at this stage is usable as it is less than 70% of the time
        pytest.param({"Design.receive_pca": "about half"}, ["Design.pca_missing"], id="pca-50"),
        pytest.param({"Design.receive_pca": "70%"}, [], id="pca-at-70"),
        # above: work comes back more than 25% of the time
        pytest.param({"Design.rework": "sometimes"}, ["Design.rework_why"], id="rework-30-60"),
        pytest.param({"Design.rework": "20%"}, [], id="rework-under-25"),
        # mentions: words (plurals too) in any substantive answer of the same stage
        pytest.param({DESIGN_PAIN: "we wait for the CAB every week"},
                     ["Design.approval_details"], id="mentions-cab"),
        pytest.param({DESIGN_PAIN: "approvals take forever"}, ["Design.approval_details"],
                     id="mentions-plural"),
        pytest.param({DESIGN_PAIN: "the firewall change needs a steering committee"},
                     ["Design.approval_details"], id="one-a-stage-the-first-in-the-bank"),
        pytest.param({"Design.needs": "a ticket to the ops team",
                      DESIGN_PAIN: "slow reviews all round"},
                     ["Design.request_details"], id="mentions-in-a-detail-part"),
        pytest.param({DESIGN_PAIN: "we wait on the support portal"}, [],
                     id="mentions-whole-words-only"),
        pytest.param({"Design.receive_pca": "about half", "Design.lead_time": "2 weeks",
                      DESIGN_PAIN: "the CAB"},
                     ["Design.pca_missing"], id="most-informative-first"),
        # vague: a short text answer that names nothing earns "can you give an example?"
        pytest.param({DESIGN_PAIN: "It depends"}, ["Design.pain.example"], id="vague"),
        pytest.param({DESIGN_PAIN: "approval board"}, ["Design.approval_details"],
                     id="a-signal-beats-the-example"),
        pytest.param({DESIGN_PAIN: "waiting for Jenkins"}, [], id="a-name-is-concrete"),
        pytest.param({DESIGN_PAIN: "2 day queue"}, [], id="a-number-is-concrete"),
        pytest.param({DESIGN_PAIN: "none"}, [], id="complete-none"),
        pytest.param({DESIGN_PAIN: "No."}, [], id="complete-with-a-stop"),
        pytest.param({DESIGN_PAIN: "skip"}, [], id="skipped"),
        pytest.param({DESIGN_PAIN: "slow reviews, very slow"}, [], id="four-words-not-vague"),
    ],
)  # fmt: skip
def test_the_follow_up_a_stage_earns(texts: dict[str, str], earned: list[str]) -> None:
    given = {**STORY, **DESIGN, **texts}
    story = BANK.find(PATH, "engineering", "Design.story")
    assert story is not None
    probes = probes_after(BANK, story, answers("engineering", given))
    assert [probe.key for probe in probes] == earned


def test_an_example_earns_nothing() -> None:
    example = BANK.find(PATH, "engineering", "Design.pain.example")
    assert example is not None
    assert example.is_followup
    given = answers("engineering", {**STORY, "Design.pain.example": "the board, every week"})
    assert probes_after(BANK, example, given) == []


@pytest.mark.parametrize(
    ("parsed", "vague"),
    [
        pytest.param({"skipped": True}, False, id="skipped"),
        pytest.param({"delegated_to": "U2"}, False, id="handed-on"),
        pytest.param(None, True, id="typed"),
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


STEPS = [q.key for q in BANK.questions_for(PATH, "product")]
QUICK = {"Idea.process_time": "1 day", "Idea.lead_time": "2 days", "Idea.rework": "rarely"}
SLOW = {**QUICK, "Idea.lead_time": "1 month"}
TOLD = {"Idea.pain": "Finding a sponsor takes a month"}


def test_the_product_owner_has_six_steps() -> None:
    assert STEPS == [
        "Idea.figures", "Idea.story", "Design.figures", "Design.story", "handing_on",
        "whole_path",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("texts", "next_key", "done"),
    [
        pytest.param({}, "Idea.figures", 0, id="nothing-answered"),
        pytest.param(QUICK, "Idea.story", 1, id="the-next-in-order"),
        pytest.param(TOLD, "Idea.figures", 1, id="a-gap-comes-first"),
        pytest.param({"Idea.process_time": "1 day"}, "Idea.figures", 0, id="a-part-missing"),
        pytest.param({**QUICK, "Idea.pain": "idea"}, "Idea.pain.example", 2, id="example-next"),
        pytest.param(
            {**QUICK, "Idea.pain": "idea", "Idea.pain.example": "the report nobody asked for"},
            "Design.figures", 2, id="example-answered",
        ),
        pytest.param({**SLOW, **TOLD}, "Idea.waiting_for", 2, id="probe-right-after-the-story"),
        pytest.param(SLOW, "Idea.story", 1, id="no-probe-before-the-story"),
        pytest.param({**QUICK, **TOLD}, "Design.figures", 2, id="no-probe-earned"),
    ],
)  # fmt: skip
def test_what_is_asked_next(texts: dict[str, str], next_key: str, done: int) -> None:
    progress = interview_progress(BANK, PATH, "product", answers("product", texts))
    assert progress.next is not None
    assert progress.next.key == next_key
    assert progress.answered == done
    assert progress.expected == len(STEPS), "the total never grows: follow-ups are extras"
    assert progress.is_extra is progress.next.is_followup


def full(role: str, path: Workshop, probe_text: str = "A slot in a meeting") -> dict[str, str]:
    """Every part of every step answered, each stage waiting long (so each earns a probe),
    and every probe earned answered."""
    texts: dict[str, str] = {}
    for step in BANK.questions_for(path, role):
        for part in step.answer_parts():
            reply = {TEXT: "Slow reviews all round, every week", DURATION: "1 day",
                     PERCENT: "never"}[part.kind]  # fmt: skip
            texts[part.key] = "1 month" if part.base_key == "lead_time" else reply
    for stage in path.stages_of(role):
        texts[f"{stage.name}.waiting_for"] = probe_text
    return texts


def test_an_interview_with_every_step_answered_asks_nothing() -> None:
    progress = interview_progress(BANK, PATH, "product", answers("product", full("product", PATH)))
    assert progress.next is None
    assert progress.answered == progress.expected == 6


def test_three_follow_ups_a_person_at_most() -> None:
    four = workshop("Idea=product; Approval=product; Design=product; Test=product")
    texts = full("product", four)
    given = answers("product", texts, four)
    progress = interview_progress(BANK, four, "product", given)
    assert progress.next is None, "the fourth stage's probe is never asked"
    without_third = {k: a for k, a in given.items() if k != "Design.waiting_for"}
    progress = interview_progress(BANK, four, "product", without_third)
    assert progress.next is not None
    assert progress.next.key == "Design.waiting_for"
    without_fourth = {k: a for k, a in given.items() if k != "Test.waiting_for"}
    assert interview_progress(BANK, four, "product", without_fourth).next is None


def test_the_receive_check_is_asked_wherever_the_role_takes_work_over() -> None:
    path = workshop(
        "Idea=product; Approval=management; Design=product,engineering; Engineer=engineering; "
        "Release=operations,product"
    )
    asked = {
        role: [q.stage for q in BANK.questions_for(path, role) if any(
            p.base_key == "receive_pca" for p in q.parts)]
        for role in ("product", "management", "engineering", "operations")
    }  # fmt: skip
    assert asked == {
        "product": ["Design", "Release"],  # its later stages too, not only the first role's
        "management": ["Approval"],
        "engineering": ["Design", "Engineer"],  # Engineer: product let go, nobody took over
        "operations": ["Release"],
    }


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
