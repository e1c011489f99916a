"""Hand-built workshops and answers for the metrics tests: no database, no Slack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.workshop.core.analysis.metrics import analyse_path, load_theme_book
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.durations import parse_duration, parse_percent
from bot.workshop.core.model import (
    Answer,
    Interview,
    InterviewMode,
    InterviewStatus,
    Role,
    Stage,
    Workshop,
    WorkshopStatus,
)
from bot.workshop.core.questions import load_question_bank

BANK = load_question_bank()
THEMES = load_theme_book()
WHEN = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NAMES = {
    "product": "Product Owner",
    "management": "Management",
    "shared": "Shared Services",
    "engineering": "Engineering",
    "quality": "Quality/Test",
    "operations": "Infrastructure/Operations",
    "support": "Support",
}
DURATIONS = {"process_time", "lead_time", "lead_time_worst", "wait_before", "perceived_lead_time"}
PERCENTS = {"rework", "receive_pca", "handover_returns"}


def workshop(path: str) -> Workshop:
    """A workshop from "Idea=product; Approval=management,shared; Review=" (Review unowned)."""
    stages = []
    for part in path.split(";"):
        name, _, owners = part.partition("=")
        stages.append(Stage(name=name.strip(), roles=tuple(owners.split(",")) if owners else ()))
    keys = {key for stage in stages for key in stage.roles}
    return Workshop(
        id=7,
        team_id="T1",
        channel_id="C1",
        facilitator_id="UF",
        title="Path to production",
        mode=InterviewMode.ALL_AT_ONCE,
        status=WorkshopStatus.COLLECTING,
        stages=tuple(stages),
        roles=tuple(Role(key=key, name=NAMES[key]) for key in NAMES if key in keys),
        created_at=WHEN,
    )


def parsed(key: str, text: str) -> dict[str, Any] | None:
    """What the interview stores for `text`, as the question `key` reads it."""
    if text == "skip":
        return {"skipped": True}
    base = key.rsplit(".", 1)[-1]
    if base in DURATIONS or base in PERCENTS:
        value = parse_duration(text) if base in DURATIONS else parse_percent(text)
        assert value is not None, text
        return value.model_dump(mode="json")
    return None


@dataclass
class Team:
    workshop: Workshop
    interviews: list[Interview] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    def person(
        self, role_key: str, user_id: str = "", status: InterviewStatus = InterviewStatus.DONE
    ) -> Person:
        interview = Interview(
            id=len(self.interviews) + 1,
            workshop_id=self.workshop.id,
            user_id=user_id or f"U_{role_key}",
            role_key=role_key,
            status=status,
        )
        self.interviews.append(interview)
        return Person(self, interview)

    def analyse(self, hours_per_day: float = 8) -> PathAnalysis:
        return analyse_path(
            self.workshop,
            self.interviews,
            self.answers,
            BANK,
            THEMES,
            hours_per_day=hours_per_day,
        )


@dataclass
class Person:
    team: Team
    interview: Interview

    def says(self, answers: Mapping[str, str]) -> Person:
        stage_names = {stage.name for stage in self.team.workshop.stages}
        for key, text in answers.items():
            first = key.split(".", 1)[0]
            self.team.answers.append(
                Answer(
                    interview_id=self.interview.id,
                    question_key=key,
                    stage=first if first in stage_names else None,
                    raw_text=text,
                    parsed=parsed(key, text),
                    answered_at=WHEN + timedelta(minutes=len(self.team.answers)),
                )
            )
        return self
