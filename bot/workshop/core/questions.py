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
    STEP = "step"  # several parts, answered together

    @property
    def is_figure(self) -> bool:
        return self in (QuestionKind.DURATION, QuestionKind.PERCENT)


class QuestionSection(StrEnum):
    RECEIVE = "receive"
    STAGE = "stage"
    HANDOVER = "handover"
    ROLE = "role"
    CLOSING = "closing"
    FOLLOWUP = "followup"


class PartTemplate(Frozen):
    """One answer a step asks for: a figure or a text."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: QuestionKind
    label: str = Field(min_length=1, max_length=60)
    ask: str = Field(min_length=1, max_length=300)
    optional: bool = False
    detail: bool = False  # only in the form, under "add detail"
    when: Literal["always", "receives_here"] = "always"
    cues: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _answerable(self) -> PartTemplate:
        if self.kind is QuestionKind.STEP:
            raise ValueError(f"part {self.key!r} cannot itself be a step")
        if self.detail and not self.optional:
            raise ValueError(f"detail part {self.key!r} must be optional")
        return self


class QuestionTemplate(Frozen):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: QuestionKind
    label: str = Field(min_length=1, max_length=60)
    text: str = Field(min_length=1, max_length=1000)
    when: Literal["always", "has_upstream"] = "always"
    roles: tuple[str, ...] = ()  # [[role]] questions: the role keys that are asked
    parts: tuple[PartTemplate, ...] = ()  # a step's parts, in the order asked
    minutes: float = Field(default=0.5, gt=0, le=10)  # a person's time for this step

    @model_validator(mode="after")
    def _parts_match_kind(self) -> QuestionTemplate:
        if (self.kind is QuestionKind.STEP) != bool(self.parts):
            raise ValueError(f"{self.key!r}: a step has parts, and only a step")
        if self.parts and all(part.optional for part in self.parts):
            raise ValueError(f"step {self.key!r} needs a part that is not optional")
        return self

    def as_part(self) -> PartTemplate:
        """A single question read as the one part of itself."""
        return PartTemplate(key=self.key, kind=self.kind, label=self.label, ask=self.label)


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


class Part(Frozen):
    """A part of a step as asked of one role, bound to the step's stage."""

    key: str  # "Design.process_time"
    template: PartTemplate

    @property
    def base_key(self) -> str:
        return self.template.key

    @property
    def kind(self) -> QuestionKind:
        return self.template.kind


class Question(Frozen):
    """One step or question as asked of one role: a template bound to a stage (or none)."""

    key: str  # unique within an interview: "Design.figures", "handing_on", "x.example"
    template: QuestionTemplate
    section: QuestionSection
    stage: str | None = None
    example_of: str | None = None  # the key of the vague answer this asks an example for
    parts: tuple[Part, ...] = ()  # a step's parts for this role and stage
    part_of: str | None = None  # a part looked up on its own: the key of its step

    @property
    def kind(self) -> QuestionKind:
        return self.template.kind

    @property
    def base_key(self) -> str:
        """The template key, without the stage: "process_time"."""
        return self.template.key

    @property
    def is_step(self) -> bool:
        return bool(self.parts)

    @property
    def is_followup(self) -> bool:
        return self.section is QuestionSection.FOLLOWUP or self.example_of is not None

    def answer_parts(self) -> tuple[Part, ...]:
        """What an answer to this fills: a step's parts, or the question itself."""
        if self.parts:
            return self.parts
        return (Part(key=self.key, template=self.template.as_part()),)

    def asked_parts(self) -> tuple[Part, ...]:
        """The parts the message names (a form also offers the detail parts)."""
        return tuple(p for p in self.answer_parts() if not p.template.detail)

    def required_parts(self) -> tuple[Part, ...]:
        return tuple(p for p in self.answer_parts() if not p.template.optional)


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
    max_followups: int = Field(default=3, ge=0, le=20)  # per person, at most one a stage
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
        templates = [q for section in self._sections().values() for q in section]
        keys = [q.key for q in templates] + [p.key for q in templates for p in q.parts]
        keys += [f.key for f in self.followup]
        duplicates = {key for key in keys if keys.count(key) > 1}
        if duplicates:
            raise ValueError(f"question keys used twice: {sorted(duplicates)}")
        kinds = {q.key: q.kind for q in templates}
        kinds.update({p.key: p.kind for q in templates for p in q.parts})
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
        """The steps one role is always asked, in order (follow-ups come on top)."""
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
                questions.append(_bind(template, section, None, receives=False))
            if section is QuestionSection.STAGE:
                for stage in workshop.stages_of(role_key):
                    receives = workshop.takes_over_at(role_key, stage.name)
                    questions.extend(
                        _bind(t, QuestionSection.STAGE, stage.name, receives=receives)
                        for t in templates
                    )
        return tuple(questions)

    def minutes_for(self, workshop: Workshop, role_key: str) -> float:
        """The time the role's steps take, follow-ups aside."""
        return sum(q.template.minutes for q in self.questions_for(workshop, role_key))

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

    def vague_part(self, question: Question) -> Part | None:
        """The text part whose short, unconcrete answer earns "can you give an example?"."""
        if not self.followups_after(question):
            return None
        texts = [p for p in question.required_parts() if p.kind is QuestionKind.TEXT]
        return texts[-1] if texts else None

    def signal_words(self) -> tuple[str, ...]:
        """Words a follow-up listens for: an answer naming one is concrete."""
        return tuple(word for f in self.followup for word in f.mentions)

    def example_for(self, question: Question) -> Question:
        """The "can you give an example?" of a step's vague part (or of a question)."""
        part = self.vague_part(question)
        of_key = part.key if part is not None else question.key
        label = part.template.label if part is not None else question.template.label
        template = QuestionTemplate(
            key="example", kind=QuestionKind.TEXT, label=f"{label}: example"[:60],
            text=self.example_text,
        )  # fmt: skip
        return Question(
            key=f"{of_key}.example",
            template=template,
            section=question.section,
            stage=question.stage,
            example_of=of_key,
        )

    def find(self, workshop: Workshop, role_key: str, key: str) -> Question | None:
        """Any question this role may be asked, follow-ups, examples and the parts of its
        steps included (a part found on its own is a question of its own kind)."""
        for question in self.questions_for(workshop, role_key):
            if question.key == key:
                return question
            for part in question.parts:
                if part.key == key:
                    return _bind(
                        _single(part.template), question.section, question.stage,
                        receives=False, part_of=question.key,
                    )  # fmt: skip
            example = self.example_for(question)
            if example.key == key:
                return example
            for followup in self.followups_after(question):
                if followup.key == key:
                    return followup
        return None


def _single(part: PartTemplate) -> QuestionTemplate:
    return QuestionTemplate(key=part.key, kind=part.kind, label=part.label, text=part.ask)


def _bind(
    template: QuestionTemplate,
    section: QuestionSection,
    stage: str | None,
    *,
    receives: bool,
    part_of: str | None = None,
) -> Question:
    def keyed(key: str) -> str:
        return f"{stage}.{key}" if stage else key

    parts = tuple(
        Part(key=keyed(p.key), template=p) for p in template.parts if p.when == "always" or receives
    )
    return Question(
        key=keyed(template.key), template=template, section=section, stage=stage,
        parts=parts, part_of=part_of,
    )  # fmt: skip


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
