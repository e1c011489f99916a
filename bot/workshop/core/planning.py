"""Turning what a facilitator asked for into a workshop plan, or into clear objections.

Pure: no I/O. The same rules serve the one-line `/p2p start … product=@alice` and the
set-up form, where every objection is shown beside the field it concerns.
"""

from __future__ import annotations

import re
from datetime import date

from bot.workshop.core.errors import (
    BadDeadline,
    BadStage,
    DuplicateStage,
    NoParticipants,
    NoStages,
    RoleWithoutStage,
    UnknownRole,
    WorkshopError,
)
from bot.workshop.core.model import (
    Assignment,
    Frozen,
    InterviewMode,
    Stage,
    WorkshopDetails,
    WorkshopPlan,
)
from bot.workshop.core.questions import PathTemplate, TemplateRole

MAX_STAGES = 20
MAX_STAGE_NAME = 60


class RoleRequest(Frozen):
    word: str  # as the facilitator typed it: "eng", "product", …
    user_ids: tuple[str, ...]


class StageRequest(Frozen):
    name: str
    role_words: tuple[str, ...]


class StartRequest(Frozen):
    team_id: str
    channel_id: str
    user_id: str
    title: str
    roles: tuple[RoleRequest, ...]
    mode: InterviewMode = InterviewMode.IN_TURN
    stages: tuple[StageRequest, ...] | None = None  # None: the template's stages
    details: WorkshopDetails = WorkshopDetails()
    extra_roles: tuple[str, ...] = ()  # names of roles the facilitator adds to the template
    enterprise_id: str | None = None  # the Enterprise Grid org, when the team is in one


def role_key_for(name: str) -> str:
    """A key for a role the facilitator named: "Security team" → "security-team"."""
    key = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    if not key or not key[0].isalpha():
        key = f"role-{key}".rstrip("-")
    return key[:40]


def extended_template(request: StartRequest, template: PathTemplate) -> PathTemplate:
    extra = tuple(
        TemplateRole(key=role_key_for(name), name=name.strip()[:60], aliases=())
        for name in dict.fromkeys(n.strip() for n in request.extra_roles if n.strip())
        if role_key_for(name) not in {r.key for r in template.roles}
        and name.strip().casefold() not in {r.name.casefold() for r in template.roles}
    )
    return template.with_roles(extra)


def parse_stage_lines(text: str) -> tuple[StageRequest, ...]:
    """``Idea: product`` per line → stages in order, each with the roles that own it."""
    stages: list[StageRequest] = []
    for line in text.splitlines():
        line = line.strip().lstrip("•*-0123456789. ").strip()
        if not line:
            continue
        name, _, owners = line.partition(":")
        words = tuple(w for w in re.split(r"[,\s]+", owners.strip()) if w)
        stages.append(StageRequest(name=name.strip(), role_words=words))
    return tuple(stages)


def format_stage_lines(template: PathTemplate) -> str:
    return "\n".join(f"{s.name}: {', '.join(s.owners)}" for s in template.stages)


def find_problems(
    request: StartRequest, template: PathTemplate, today: date | None = None
) -> list[WorkshopError]:
    """Everything wrong with a request, each naming its field; empty when it can start."""
    template = extended_template(request, template)
    problems: list[WorkshopError] = []
    known = ", ".join(f"`{r.key}`" for r in template.roles)
    assigned: set[str] = set()
    for role_request in request.roles:
        role = template.find_role(role_request.word)
        if role is None:
            problems.append(
                UnknownRole(field=f"role:{role_request.word}", word=role_request.word, known=known)
            )
        elif role_request.user_ids:
            assigned.add(role.key)
    if not any(r.user_ids for r in request.roles):
        problems.append(NoParticipants(field="roles"))
    if request.stages is not None:
        problems.extend(_stage_problems(request.stages, template, known))
        owning = {
            role.key
            for stage in request.stages
            for word in stage.role_words
            if (role := template.find_role(word)) is not None
        }
        problems.extend(
            RoleWithoutStage(field=f"role:{key}", role=template_role.name)
            for key in sorted(assigned - owning)
            if (template_role := template.find_role(key)) is not None
        )
    deadline = request.details.deadline
    if deadline is not None and today is not None and deadline < today:
        problems.append(BadDeadline(field="deadline", deadline=deadline.isoformat()))
    return problems


def _stage_problems(
    stages: tuple[StageRequest, ...], template: PathTemplate, known: str
) -> list[WorkshopError]:
    if not stages:
        return [NoStages(field="stages")]
    problems: list[WorkshopError] = []
    if len(stages) > MAX_STAGES:
        problems.append(BadStage(field="stages", detail=f"at most {MAX_STAGES} stages"))
    seen: set[str] = set()
    for stage in stages:
        if not stage.name or len(stage.name) > MAX_STAGE_NAME:
            problems.append(
                BadStage(
                    field="stages", detail=f"a stage name has 1 to {MAX_STAGE_NAME} characters"
                )
            )
        elif stage.name.casefold() in seen:
            problems.append(DuplicateStage(field="stages", name=stage.name))
        seen.add(stage.name.casefold())
        problems.extend(
            UnknownRole(field="stages", word=word, known=known)
            for word in stage.role_words
            if template.find_role(word) is None
        )
    return problems


def plan_workshop(request: StartRequest, template: PathTemplate) -> WorkshopPlan:
    """The plan for a valid request; raises the first problem otherwise."""
    problems = find_problems(request, template)
    if problems:
        raise problems[0]
    template = extended_template(request, template)
    assignments: list[Assignment] = []
    for role_request in request.roles:
        role = template.find_role(role_request.word)
        assert role is not None
        for user_id in role_request.user_ids:
            assignment = Assignment(user_id=user_id, role_key=role.key)
            if assignment not in assignments:
                assignments.append(assignment)
    assigned = {a.role_key for a in assignments}
    if request.stages is None:
        wanted = [(s.name, s.owners) for s in template.stages]
    else:
        wanted = [(s.name, tuple(_role_keys(s.role_words, template))) for s in request.stages]
    stages = tuple(
        Stage(name=name, roles=tuple(k for k in dict.fromkeys(owners) if k in assigned))
        for name, owners in wanted
    )
    return WorkshopPlan(
        team_id=request.team_id,
        enterprise_id=request.enterprise_id,
        channel_id=request.channel_id,
        facilitator_id=request.user_id,
        title=request.title,
        mode=request.mode,
        stages=stages,
        roles=tuple(r.as_role() for r in template.roles if r.key in assigned),
        assignments=tuple(assignments),
        details=request.details,
    )


def _role_keys(words: tuple[str, ...], template: PathTemplate) -> list[str]:
    return [role.key for word in words if (role := template.find_role(word)) is not None]
