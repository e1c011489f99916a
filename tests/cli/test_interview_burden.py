"""The interview-burden benchmark: what it counts, and that it counts a whole workshop."""

from __future__ import annotations

import asyncio
from functools import cache

import pytest

from benchmarks.interview_burden import (
    TEAM_FILES,
    BotMessage,
    TeamBurden,
    burden_of_person,
    count_words,
    estimated_minutes,
    followup_keys,
    format_team,
    load_team,
    measure_team,
)
from bot.workshop.core.questions import load_path_template, load_question_bank

# What one person may be asked: steps (re-asks and follow-ups included) and minutes.
MOST_STEPS = 12
MOST_STEPS_FOR_ONE_STAGE = 6
MOST_STEPS_FOR_THE_PRODUCT_OWNER = 12
MOST_MINUTES = 10


@cache
def measured(name: str) -> TeamBurden:
    return asyncio.run(measure_team(load_team(name)))


@pytest.fixture(scope="module", params=sorted(TEAM_FILES))
def burden(request: pytest.FixtureRequest) -> TeamBurden:
    return measured(request.param)


def test_every_role_of_the_team_is_measured_with_a_real_burden(burden: TeamBurden) -> None:
    team = load_team(burden.name).script
    assert [p.name for p in burden.people] == [p.name for p in team.people if p.role]
    assert {r.role for r in burden.roles} == {p.role for p in team.people if p.role}
    for role in burden.roles:
        assert role.tally.steps >= 1, role.role
    for person in burden.people:
        tally = person.tally
        assert tally.minutes > 0, person.name
        assert tally.words_typed > 0, person.name
        assert tally.words_read > tally.steps, "every question has words to read"
        assert tally.reasks <= tally.steps
        assert tally.followups <= tally.steps
    assert burden.tally.steps == sum(r.tally.steps for r in burden.roles)


def test_the_demo_team_is_asked_within_the_interview_budget() -> None:
    """Everyone of a role is asked the role's steps: the budget holds for each person."""
    burden = measured("demo")
    owned = {
        role.key: sum(role.key in stage.owners for stage in load_path_template().stages)
        for role in load_path_template().roles
    }
    assert {p.role for p in burden.people} <= set(owned), "the demo plays the template's roles"
    for person in burden.people:
        steps, minutes = person.tally.steps, person.tally.minutes
        assert steps <= MOST_STEPS, (person.name, steps)
        if owned[person.role] == 1:
            assert steps <= MOST_STEPS_FOR_ONE_STAGE, (person.name, steps)
        if person.role == "product":
            assert steps <= MOST_STEPS_FOR_THE_PRODUCT_OWNER, (person.name, steps)
        assert minutes <= MOST_MINUTES, (person.name, minutes)
        assert person.announced, f"{person.name} was told how many steps there are"
        assert not person.total_changed, (person.name, person.announced_totals)
        (total,) = set(person.announced_totals)
        tally = person.tally
        assert total == tally.steps - tally.reasks - tally.followups, (
            "the total counts every step once, and neither the re-asks nor the follow-ups"
        )
    assert any(owned[p.role] == 1 for p in burden.people), "a role owning one stage is measured"
    assert any(p.role == "product" for p in burden.people)


def test_the_top_three_hand_offs_are_three_distinct_ones_hottest_first(
    burden: TeamBurden,
) -> None:
    handoffs = burden.top_handoffs
    assert len({(h.from_stage, h.to_stage) for h in handoffs}) == 3
    assert [h.heat for h in handoffs] == sorted((h.heat for h in handoffs), reverse=True)


def test_the_table_names_everyone_and_the_hand_offs(burden: TeamBurden) -> None:
    printed = format_team(burden)
    for person in burden.people:
        assert person.name in printed
    for handoff in burden.top_handoffs:
        assert f"{handoff.from_stage} → {handoff.to_stage}" in printed


def test_words_are_counted_as_a_reader_counts_them() -> None:
    assert count_words("") == 0
    assert count_words(":wave: Hi! Is that what you receive?") == 6
    assert count_words("2-3 weeks, don't know, e.g. `90%`") == 6
    assert count_words("*Idea* · step 3 of 20\n[Skip] [Answer in a form]") == 10


def test_minutes_are_reading_typing_and_clicking() -> None:
    assert estimated_minutes(250, 0, 0) == pytest.approx(1)
    assert estimated_minutes(0, 40, 0) == pytest.approx(1)
    assert estimated_minutes(0, 0, 20) == pytest.approx(1)
    assert estimated_minutes(500, 20, 10) == pytest.approx(3)


def test_re_asks_follow_ups_and_a_changing_total_are_told_apart() -> None:
    sent = [
        BotMessage("Hi! question 1 of 3", "Idea.lead_time", (1, 3)),
        BotMessage("Sorry, question 1 of 3", "Idea.lead_time", (1, 3)),
        BotMessage("So it waits: question 2 of 4", "Idea.waiting_for", (2, 4)),
        BotMessage("An example? question 3 of 4", "Idea.pain.example", (3, 4)),
        BotMessage("That's everything, thank you!"),
    ]
    probes = frozenset({"waiting_for", "example"})
    person = burden_of_person("priya", "product", sent, ["soon", "1 week", "a slot"], 2, probes)
    assert person.tally.steps == 4
    assert person.tally.reasks == 1
    assert person.tally.followups == 2
    assert person.tally.words_typed == 5
    assert person.tally.clicks == 2
    assert person.announced_totals == (3, 3, 4, 4)
    assert person.total_changed


def test_follow_ups_are_the_banks_follow_ups_and_asking_for_an_example() -> None:
    bank = load_question_bank()
    assert followup_keys(bank) == {f.key for f in bank.followup} | {"example"}
