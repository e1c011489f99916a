"""The question bank and the default template, loaded from prompts/questions/*.toml.

Loading validates everything, so a bad edit fails at start-up and in the tests, not
halfway through somebody's interview.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from bot.workshop.model import Frozen, Role, Stage, Workshop
from prompts import QUESTIONS_DIR


class QuestionKind(StrEnum):
    TEXT = "text"
    DURATION = "duration"
    PERCENT = "percent"


class QuestionSection(StrEnum):
    RECEIVE = "receive"
    STAGE = "stage"
    HANDOVER = "handover"
    CLOSING = "closing"


class QuestionTemplate(Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: QuestionKind
    label: str = Field(min_length=1, max_length=60)
    text: str = Field(min_length=1, max_length=1000)
    when: Literal["always", "has_upstream"] = "always"


class Question(Frozen):
    """One question as asked of one role: the template bound to a stage (or none)."""

    key: str  # unique within an interview, e.g. "Design.process_time" or "handover"
    template: QuestionTemplate
    section: QuestionSection
    stage: str | None = None

    @property
    def kind(self) -> QuestionKind:
        return self.template.kind


class TemplateRole(Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=60)
    aliases: tuple[str, ...] = ()

    def as_role(self) -> Role:
        return Role(key=self.key, name=self.name)


class TemplateStage(Frozen):
    name: str = Field(min_length=1, max_length=60)
    summary: str = ""
    owners: tuple[str, ...]

    def as_stage(self) -> Stage:
        return Stage(name=self.name, roles=self.owners)


class PathTemplate(Frozen):
    roles: tuple[TemplateRole, ...] = Field(min_length=1)
    stages: tuple[TemplateStage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PathTemplate:
        keys = [role.key for role in self.roles]
        if len(set(keys)) != len(keys):
            raise ValueError("two roles share a key")
        names = [stage.name.casefold() for stage in self.stages]
        if len(set(names)) != len(names):
            raise ValueError("two stages share a name")
        seen: dict[str, str] = {}
        for role in self.roles:
            for alias in (role.key, *role.aliases):
                alias = alias.casefold()
                if seen.setdefault(alias, role.key) != role.key:
                    raise ValueError(f"alias {alias!r} names two roles")
        for stage in self.stages:
            unknown = set(stage.owners) - set(keys)
            if unknown:
                raise ValueError(f"stage {stage.name!r} names unknown roles {sorted(unknown)}")
        return self

    def find_role(self, word: str) -> TemplateRole | None:
        word = word.strip().casefold()
        for role in self.roles:
            if word == role.key or word in (alias.casefold() for alias in role.aliases):
                return role
        return None


class QuestionBank(Frozen):
    receive: tuple[QuestionTemplate, ...] = ()
    stage: tuple[QuestionTemplate, ...] = Field(min_length=1)
    handover: tuple[QuestionTemplate, ...] = ()
    closing: tuple[QuestionTemplate, ...] = ()

    @model_validator(mode="after")
    def _unique_keys(self) -> QuestionBank:
        keys = [
            q.key
            for section in (self.receive, self.stage, self.handover, self.closing)
            for q in section
        ]
        duplicates = {key for key in keys if keys.count(key) > 1}
        if duplicates:
            raise ValueError(f"question keys used twice: {sorted(duplicates)}")
        return self

    def questions_for(self, workshop: Workshop, role_key: str) -> tuple[Question, ...]:
        """Every question one role is asked, in order."""
        has_upstream = workshop.upstream_role(role_key) is not None
        questions: list[Question] = [
            Question(key=t.key, template=t, section=QuestionSection.RECEIVE)
            for t in self.receive
            if t.when == "always" or has_upstream
        ]
        for stage in workshop.stages_of(role_key):
            questions.extend(
                Question(
                    key=f"{stage.name}.{t.key}",
                    template=t,
                    section=QuestionSection.STAGE,
                    stage=stage.name,
                )
                for t in self.stage
            )
        questions.extend(
            Question(key=t.key, template=t, section=QuestionSection.HANDOVER) for t in self.handover
        )
        questions.extend(
            Question(key=t.key, template=t, section=QuestionSection.CLOSING) for t in self.closing
        )
        return tuple(questions)


class QuestionBankError(Exception):
    """A file in prompts/questions/ is missing or invalid; the message says where."""


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise QuestionBankError(f"{path} is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionBankError(f"{path}: {error}") from None


def load_question_bank(directory: Path = QUESTIONS_DIR) -> QuestionBank:
    path = directory / "interview.toml"
    try:
        return QuestionBank.model_validate(_read_toml(path))
    except ValidationError as error:
        raise QuestionBankError(f"{path}: {error}") from None


def load_path_template(directory: Path = QUESTIONS_DIR) -> PathTemplate:
    path = directory / "template.toml"
    try:
        return PathTemplate.model_validate(_read_toml(path))
    except ValidationError as error:
        raise QuestionBankError(f"{path}: {error}") from None
