"""From what a facilitator asks for to a plan, or to objections beside each field."""

from __future__ import annotations

from datetime import date

import pytest

from bot.workshop.core.errors import (
    BadDeadline,
    DuplicateStage,
    NoParticipants,
    NoStages,
    RoleWithoutStage,
    UnknownRole,
)
from bot.workshop.core.model import WorkshopDetails
from bot.workshop.core.planning import (
    RoleRequest,
    StageRequest,
    StartRequest,
    find_problems,
    format_stage_lines,
    parse_stage_lines,
    plan_workshop,
)
from bot.workshop.core.questions import load_path_template

TEMPLATE = load_path_template()


def request(**changes: object) -> StartRequest:
    base = StartRequest(
        team_id="T",
        channel_id="C",
        user_id="U",
        title="t",
        roles=(RoleRequest(word="eng", user_ids=("U1",)),),
    )
    return base.model_copy(update=changes)


@pytest.mark.parametrize(
    ("text", "stages"),
    [
        ("Idea: product", (StageRequest(name="Idea", role_words=("product",)),)),
        (
            "1. Idea: product, mgmt\n\n- Build:eng qa",
            (
                StageRequest(name="Idea", role_words=("product", "mgmt")),
                StageRequest(name="Build", role_words=("eng", "qa")),
            ),
        ),
        ("Discovery", (StageRequest(name="Discovery", role_words=()),)),
        ("", ()),
    ],
)
def test_parse_stage_lines(text: str, stages: tuple[StageRequest, ...]) -> None:
    assert parse_stage_lines(text) == stages


def test_the_default_stage_lines_read_back_as_the_template() -> None:
    parsed = parse_stage_lines(format_stage_lines(TEMPLATE))
    assert [s.name for s in parsed] == [s.name for s in TEMPLATE.stages]
    assert [s.role_words for s in parsed] == [s.owners for s in TEMPLATE.stages]


def test_a_plan_keeps_owners_who_have_people_and_the_order_given() -> None:
    plan = plan_workshop(
        request(
            roles=(
                RoleRequest(word="eng", user_ids=("U1", "U2")),
                RoleRequest(word="qa", user_ids=("U1",)),
            ),
            stages=parse_stage_lines("Build: eng, product\nCheck: qa\nShip: ops"),
        ),
        TEMPLATE,
    )
    assert [(s.name, s.roles) for s in plan.stages] == [
        ("Build", ("engineering",)),
        ("Check", ("quality",)),
        ("Ship", ()),
    ]
    assert [(a.user_id, a.role_key) for a in plan.assignments] == [
        ("U1", "engineering"),
        ("U2", "engineering"),
        ("U1", "quality"),
    ]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"roles": ()}, NoParticipants, "roles"),
        ({"roles": (RoleRequest(word="wizard", user_ids=("U1",)),)}, UnknownRole, "role:wizard"),
        ({"stages": ()}, NoStages, "stages"),
        ({"stages": parse_stage_lines("Idea: eng\nidea: eng")}, DuplicateStage, "stages"),
        ({"stages": parse_stage_lines("Idea: eng, wizards")}, UnknownRole, "stages"),
        ({"stages": parse_stage_lines("Idea: product")}, RoleWithoutStage, "role:engineering"),
        (
            {"details": WorkshopDetails(deadline=date(2026, 1, 1))},
            BadDeadline,
            "deadline",
        ),
    ],
)
def test_problems_name_their_field(changes: dict[str, object], error: type, field: str) -> None:
    problems = find_problems(request(**changes), TEMPLATE, today=date(2026, 6, 1))
    assert [type(p) for p in problems][:1] == [error]
    assert problems[0].field == field


def test_a_good_request_has_no_problems() -> None:
    assert find_problems(request(), TEMPLATE, today=date(2026, 6, 1)) == []


def test_a_role_of_the_facilitators_own_can_own_stages() -> None:
    plan = plan_workshop(
        request(
            roles=(
                RoleRequest(word="eng", user_ids=("U1",)),
                RoleRequest(word="security-team", user_ids=("U2",)),
            ),
            stages=parse_stage_lines("Build: eng\nSecurity review: security-team"),
            extra_roles=("Security team",),
        ),
        TEMPLATE,
    )
    assert [(r.key, r.name) for r in plan.roles] == [
        ("engineering", "Engineering"),
        ("security-team", "Security team"),
    ]
    assert [(s.name, s.roles) for s in plan.stages][1] == ("Security review", ("security-team",))


def test_an_added_role_that_owns_no_stage_is_named_in_the_problem() -> None:
    problems = find_problems(
        request(
            roles=(
                RoleRequest(word="eng", user_ids=("U1",)),
                RoleRequest(word="security", user_ids=("U2",)),
            ),
            stages=parse_stage_lines("Build: eng"),
            extra_roles=("Security",),
        ),
        TEMPLATE,
        today=date(2026, 6, 1),
    )
    assert [(type(p), p.field) for p in problems] == [(RoleWithoutStage, "role:security")]
