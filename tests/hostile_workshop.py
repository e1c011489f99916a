"""A workshop answered with hostile text: titles and stage names as a facilitator could
type them, every step and a follow-up at each stage answered with text a participant could
type, stored as p2p stores a step's parts."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from hypothesis import strategies as st

from bot.workshop.core.analysis.metrics import analyse_path, load_theme_book
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.model import (
    Answer,
    Interview,
    InterviewMode,
    InterviewStatus,
    Role,
    Stage,
    Workshop,
    WorkshopDetails,
    WorkshopStatus,
)
from bot.workshop.core.questions import Question, QuestionKind, load_question_bank
from bot.workshop.core.steps import interpret_text, step_parsed
from tests.hostile_text import HOSTILE_NAME, HOSTILE_TEXT
from tests.replies import KIND_DEFAULTS

BANK = load_question_bank()
THEMES = load_theme_book()
WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FACILITATOR = "UFAC"
CHANNEL = "C0PATH"
ROLES = (
    Role(key="product", name="Product Owner"),
    Role(key="engineering", name="Engineering"),
    Role(key="quality", name="Quality/Test"),
)
FOLLOW_UPS = ("waiting_for", "approval_details", "pca_missing")


def user_of(role_key: str) -> str:
    return "U" + role_key.upper()


MENTIONED = (FACILITATOR, CHANNEL, *(user_of(role.key) for role in ROLES))
"""The people and the channel p2p names on purpose: mentions of them are its own."""


def stage_name(text: str) -> str:
    """A stage name as the setup form lets one through: one line, no colon, 60 at most."""
    return " ".join(text.replace(":", " ").split())[:60].strip()


TITLE = HOSTILE_NAME.map(lambda t: " ".join(t.split())[:150]).filter(bool)
STAGE_NAMES = st.lists(
    HOSTILE_NAME.map(stage_name).filter(bool), min_size=2, max_size=4, unique_by=str.casefold
)


@dataclass(frozen=True)
class Answered:
    workshop: Workshop
    interviews: tuple[Interview, ...]
    answers: tuple[Answer, ...]

    def analyse(self) -> PathAnalysis:
        return analyse_path(self.workshop, self.interviews, self.answers, BANK, THEMES)


def hostile_workshop(title: str, stages: Sequence[str], *, named: bool = False) -> Workshop:
    owners = itertools.cycle(role.key for role in ROLES)
    return Workshop(
        id=7,
        team_id="T1",
        channel_id=CHANNEL,
        facilitator_id=FACILITATOR,
        title=title,
        mode=InterviewMode.ALL_AT_ONCE,
        status=WorkshopStatus.COLLECTING,
        stages=tuple(Stage(name=name, roles=(next(owners),)) for name in stages),
        roles=ROLES,
        created_at=WHEN,
        details=WorkshopDetails(named=named, change=title, start_event=title),
    )


@cache
def _figure(kind: QuestionKind) -> dict[str, object] | None:
    """A figure as p2p stores what it read: "2-3 weeks", "about 80%"."""
    return interpret_text(kind, KIND_DEFAULTS[kind]).parsed


def _reading(question: Question, text: str) -> dict[str, object] | None:
    """What p2p stores for `text` as the answer to `question`: the text in every text
    part, a figure in every figure part (tests/core read replies into parts)."""
    if not question.is_step:
        return _figure(question.kind) if question.kind.is_figure else None
    parts = {
        part.key: {"text": KIND_DEFAULTS[part.kind], "parsed": _figure(part.kind)}
        if part.kind.is_figure
        else {"text": text.strip() or "-", "parsed": None}  # as a reply is read
        for part in question.asked_parts()
    }
    return step_parsed(parts)


def answer_everything(workshop: Workshop, texts: Sequence[str]) -> Answered:
    """Every role answers every step with the next text (figures beside it, so that the
    path has numbers), and one follow-up at each stage it owns."""
    given = itertools.cycle(texts)
    interviews: list[Interview] = []
    answers: list[Answer] = []
    for number, role in enumerate(ROLES, start=1):
        interview = Interview(
            id=number,
            workshop_id=workshop.id,
            user_id=user_of(role.key),
            role_key=role.key,
            status=InterviewStatus.DONE,
        )
        interviews.append(interview)
        questions = list(BANK.questions_for(workshop, role.key))
        for stage in workshop.stages_of(role.key):
            follow_up = BANK.find(workshop, role.key, f"{stage.name}.{FOLLOW_UPS[number - 1]}")
            if follow_up is not None:
                questions.append(follow_up)
        for question in questions:
            text = next(given)
            answers.append(
                Answer(
                    interview_id=interview.id,
                    question_key=question.key,
                    stage=question.stage,
                    raw_text=text,
                    parsed=_reading(question, text),
                    answered_at=WHEN + timedelta(minutes=len(answers)),
                )
            )
    return Answered(workshop, tuple(interviews), tuple(answers))


@st.composite
def answered_workshops(draw: st.DrawFn) -> Answered:
    workshop = hostile_workshop(draw(TITLE), draw(STAGE_NAMES), named=draw(st.booleans()))
    return answer_everything(workshop, draw(st.lists(HOSTILE_TEXT, min_size=1, max_size=6)))
