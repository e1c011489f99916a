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

from bot.workshop.core.model import Frozen, Role, Stage, Workshop
from prompts import QUESTIONS_DIR


class QuestionKind(StrEnum):
    TEXT = "text"
    DURATION = "duration"
    PERCENT = "percent"


class QuestionSection(StrEnum):
    RECEIVE = "receive"
    STAGE = "stage"
    HANDOVER = "handover"
    ROLE = "role"
    CLOSING = "closing"
    FOLLOWUP = "followup"


class QuestionTemplate(Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: QuestionKind
    label: str = Field(min_length=1, max_length=60)
    text: str = Field(min_length=1, max_length=1000)
    when: Literal["always", "has_upstream"] = "always"
    roles: tuple[str, ...] = ()  # [[role]] questions: the role keys that are asked


class Ratio(Frozen):
    over: str
    under: str
    at_least: float = Field(gt=0)


class PercentThreshold(Frozen):
    question: str
    percent: float = Field(ge=0, le=100)


class FollowUp(QuestionTemplate):
    """A probe asked straight after ``after`` when its condition holds."""

    after: str
    ratio: Ratio | None = None
    below: PercentThreshold | None = None
    above: PercentThreshold | None = None
    mentions: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _one_condition(self) -> FollowUp:
        conditions = [self.ratio, self.below, self.above, self.mentions or None]
        if sum(c is not None for c in conditions) != 1:
            raise ValueError(f"follow-up {self.key!r} needs exactly one condition")
        return self


class Question(Frozen):
    """One question as asked of one role: a template bound to a stage (or none)."""

    key: str  # unique within an interview: "Design.process_time", "handover", "x.example"
    template: QuestionTemplate
    section: QuestionSection
    stage: str | None = None
    example_of: str | None = None  # the key of the vague answer this asks an example for

    @property
    def kind(self) -> QuestionKind:
        return self.template.kind

    @property
    def base_key(self) -> str:
        """The template key, without the stage: "process_time"."""
        return self.template.key


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

    def with_roles(self, extra: tuple[TemplateRole, ...]) -> PathTemplate:
        """The template with the facilitator's own roles added (they own no stage until
        the stages say so)."""
        if not extra:
            return self
        return self.model_copy(update={"roles": (*self.roles, *extra)})

    def find_role(self, word: str) -> TemplateRole | None:
        """The role a word names: by key or name first, then by alias."""
        word = word.strip().casefold()
        for role in self.roles:
            if word in (role.key, role.name.casefold()):
                return role
        for role in self.roles:
            if word in (alias.casefold() for alias in role.aliases):
                return role
        return None


class QuickAnswers(Frozen):
    durations: tuple[str, ...] = Field(default=(), max_length=20)
    percents: tuple[str, ...] = Field(default=(), max_length=20)

    def for_kind(self, kind: QuestionKind) -> tuple[str, ...]:
        if kind is QuestionKind.DURATION:
            return self.durations
        return self.percents if kind is QuestionKind.PERCENT else ()


class QuestionBank(Frozen):
    quick_answers: QuickAnswers = QuickAnswers()
    receive: tuple[QuestionTemplate, ...] = ()
    stage: tuple[QuestionTemplate, ...] = Field(min_length=1)
    handover: tuple[QuestionTemplate, ...] = ()
    role: tuple[QuestionTemplate, ...] = ()
    closing: tuple[QuestionTemplate, ...] = ()
    followup: tuple[FollowUp, ...] = ()
    vague_answer_words: int = Field(default=3, ge=0, le=20)
    example_text: str = "Can you give me an example?"

    def _sections(self) -> dict[QuestionSection, tuple[QuestionTemplate, ...]]:
        return {
            QuestionSection.RECEIVE: self.receive,
            QuestionSection.STAGE: self.stage,
            QuestionSection.HANDOVER: self.handover,
            QuestionSection.ROLE: self.role,
            QuestionSection.CLOSING: self.closing,
        }

    @model_validator(mode="after")
    def _consistent(self) -> QuestionBank:
        keys = [q.key for section in self._sections().values() for q in section]
        keys += [f.key for f in self.followup]
        duplicates = {key for key in keys if keys.count(key) > 1}
        if duplicates:
            raise ValueError(f"question keys used twice: {sorted(duplicates)}")
        kinds = {q.key: q.kind for section in self._sections().values() for q in section}
        for followup in self.followup:
            if followup.after not in kinds:
                raise ValueError(
                    f"follow-up {followup.key!r} comes after unknown {followup.after!r}"
                )
            for threshold in (followup.below, followup.above):
                if threshold and kinds.get(threshold.question) is not QuestionKind.PERCENT:
                    raise ValueError(f"follow-up {followup.key!r} needs a percent question")
            if followup.ratio:
                for name in (followup.ratio.over, followup.ratio.under):
                    if kinds.get(name) is not QuestionKind.DURATION:
                        raise ValueError(f"follow-up {followup.key!r} needs duration questions")
        return self

    def questions_for(self, workshop: Workshop, role_key: str) -> tuple[Question, ...]:
        """The questions one role is always asked, in order (follow-ups come on top)."""
        has_upstream = workshop.upstream_role(role_key) is not None
        questions: list[Question] = []
        for section, templates in self._sections().items():
            for template in templates:
                if template.when == "has_upstream" and not has_upstream:
                    continue
                if section is QuestionSection.ROLE and role_key not in template.roles:
                    continue
                if section is QuestionSection.STAGE:
                    continue
                questions.append(Question(key=template.key, template=template, section=section))
            if section is QuestionSection.STAGE:
                for stage in workshop.stages_of(role_key):
                    questions.extend(
                        Question(
                            key=f"{stage.name}.{t.key}",
                            template=t,
                            section=QuestionSection.STAGE,
                            stage=stage.name,
                        )
                        for t in templates
                    )
        return tuple(questions)

    def followups_after(self, question: Question) -> tuple[Question, ...]:
        return tuple(
            Question(
                key=f"{question.stage}.{f.key}" if question.stage else f.key,
                template=f,
                section=QuestionSection.FOLLOWUP,
                stage=question.stage,
            )
            for f in self.followup
            if f.after == question.base_key and question.example_of is None
        )

    def example_for(self, question: Question) -> Question:
        template = QuestionTemplate(
            key="example",
            kind=QuestionKind.TEXT,
            label=f"{question.template.label}: example"[:60],
            text=self.example_text,
        )
        return Question(
            key=f"{question.key}.example",
            template=template,
            section=question.section,
            stage=question.stage,
            example_of=question.key,
        )

    def find(self, workshop: Workshop, role_key: str, key: str) -> Question | None:
        """Any question this role may be asked, follow-ups and examples included."""
        for question in self.questions_for(workshop, role_key):
            if question.key == key:
                return question
            example = self.example_for(question)
            if example.key == key:
                return example
            for followup in self.followups_after(question):
                if followup.key == key:
                    return followup
        return None


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
