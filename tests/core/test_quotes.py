"""Whose role a quote shows (bot.workshop.core.analysis.quotes): with anonymous quotes, a
role that one person holds would name them, so its quotes carry no role."""

from __future__ import annotations

import pytest

from bot.workshop.core.analysis.model import Quote
from bot.workshop.core.analysis.quotes import merge, roles_quoted_anonymously
from bot.workshop.core.model import Assignment, WorkshopDetails
from tests.core.metrics_cases import Team, workshop


def holders(text: str) -> list[Assignment]:
    """ "product:U1 engineering:U2" → who holds which role."""
    return [
        Assignment(role_key=role, user_id=user)
        for role, user in (pair.split(":") for pair in text.split())
    ]


@pytest.mark.parametrize(
    ("held", "named", "unshown"),
    [
        ("product:U1 engineering:U2 engineering:U3", False, {"product"}),
        ("product:U1 engineering:U2 engineering:U3", True, set()),
        ("operations:U1 operations:U2 support:U3 support:U4", False, set()),
        ("product:U1 management:U1", False, {"product", "management"}),  # one person, two roles
        ("quality:U1 quality:U1", False, {"quality"}),  # the same person twice is one
        ("product:U1 management:U2 shared:U3", False, {"product", "management", "shared"}),
        ("", False, set()),
    ],
)
def test_with_anonymous_quotes_a_role_of_one_person_is_not_shown(
    held: str, named: bool, unshown: set[str]
) -> None:
    assert roles_quoted_anonymously(holders(held), named=named) == unshown


def said(user: str, role: str | None, text: str = "Waiting for the CAB") -> Quote:
    return Quote(role=role, user_id=user, stage="Approval", label="Waiting for", text=text)


@pytest.mark.parametrize(
    ("quotes", "people", "roles", "unnamed"),
    [
        ([said("U1", "Engineering"), said("U2", "Engineering")], 2, ("Engineering",), 0),
        ([said("U1", "Engineering"), said("U2", None)], 2, ("Engineering",), 1),
        ([said("U1", None), said("U2", None)], 2, (), 2),
        ([said("U1", None), said("U1", "Engineering")], 1, ("Engineering",), 0),
        ([said("U1", None)], 1, (), 1),
    ],
)
def test_a_merged_wording_names_only_the_roles_shown(
    quotes: list[Quote], people: int, roles: tuple[str, ...], unnamed: int
) -> None:
    (merged,) = merge(quotes)
    assert (merged.people, merged.roles, merged.unnamed) == (people, roles, unnamed)


def small_team(*, named: bool) -> Team:
    """One product owner, two engineers; each says what hurts, and how long it all takes."""
    path = workshop("Idea=product; Design=engineering")
    team = Team(path.model_copy(update={"details": WorkshopDetails(named=named)}))
    team.person("product", "UPO").says(
        {"Idea.pain": "Nobody owns the backlog", "Idea.lead_time": "4 days",
         "perceived_lead_time": "2 weeks", "craziest_step": "The monthly steering committee"}
    )  # fmt: skip
    for user, days in (("UE1", "2 days"), ("UE2", "9 days")):
        team.person("engineering", user).says(
            {"Design.pain": f"Specs arrive half written ({user})", "Design.lead_time": days}
        )
    return team


def test_the_analysis_leaves_the_role_off_quotes_of_a_role_of_one_person() -> None:
    analysis = small_team(named=False).analyse()
    idea, design = analysis.stages
    assert [(q.role, q.user_id) for q in idea.quotes] == [(None, "UPO")]
    assert {q.role for q in design.quotes} == {"Engineering"}, "two engineers: the role stays"
    assert [q.role for q in analysis.craziest_steps] == [None]
    assert all(q.role is None for t in analysis.themes for q in t.quotes if q.user_id == "UPO")
    # Estimates are given per role on purpose, and keep its name.
    assert [p.role for p in analysis.perceptions] == ["Product Owner"]
    assert {e.role for e in design.disagreement} == {"Engineering"}


def test_with_named_quotes_every_quote_keeps_its_role() -> None:
    analysis = small_team(named=True).analyse()
    idea = analysis.stages[0]
    assert [(q.role, q.user_id) for q in idea.quotes] == [("Product Owner", "UPO")]
    assert [q.role for q in analysis.craziest_steps] == ["Product Owner"]
