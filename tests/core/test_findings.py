"""The findings the summary opens with (bot.workshop.core.analysis.findings), from the
rules in prompts/questions/findings.toml, on hand-made workshops."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.workshop.core.analysis.findings import load_finding_book
from bot.workshop.core.questions import QuestionBankError
from tests.core.metrics_cases import Team, workshop

PATH = "Idea=product; Design=engineering; Test=quality; Deploy=operations"


def quick_start() -> Team:
    """Idea and Design: quick, and nothing comes back."""
    team = Team(workshop(PATH))
    team.person("product").says({"Idea.process_time": "1 day", "Idea.lead_time": "2 days"})
    team.person("engineering").says(
        {"Design.process_time": "2 days", "Design.lead_time": "3 days", "Design.rework": "10%",
         "Design.receive_pca": "90%"}
    )  # fmt: skip
    return team


def lost_context() -> Team:
    """Design → Test loses context: little of it is usable and much comes back, though
    it hardly waits; Test → Deploy waits a little longer, and is fine otherwise."""
    team = quick_start()
    team.person("quality", "Q1").says(
        {"Test.process_time": "2 days", "Test.lead_time": "3 days", "Test.rework": "50%",
         "Test.receive_pca": "20%", "Test.pca_missing": "Acceptance criteria, every time"}
    )  # fmt: skip
    team.person("operations").says(
        {"Deploy.process_time": "1 day", "Deploy.lead_time": "5 days", "Deploy.rework": "rarely",
         "Deploy.receive_pca": "90%"}
    )  # fmt: skip
    return team


def long_queue() -> Team:
    """Test → Deploy is a long queue whose work is usable as it arrives; Design → Test is
    somewhat lossy but quick."""
    team = quick_start()
    team.person("quality").says(
        {"Test.process_time": "2 days", "Test.lead_time": "3 days", "Test.rework": "10%",
         "Test.receive_pca": "55%"}
    )  # fmt: skip
    team.person("operations", "O1").says(
        {"Deploy.process_time": "2 hours", "Deploy.lead_time": "5 weeks",
         "Deploy.rework": "rarely", "Deploy.receive_pca": "95%",
         "Deploy.waiting_for": "The weekly CAB, then a release window"}
    )  # fmt: skip
    return team


def test_the_first_finding_of_lost_context_names_the_lossy_hand_off() -> None:
    findings = lost_context().analyse().findings
    first = findings[0]
    assert (first.key, first.place) == ("lost_context", "Test")
    assert first.figures["from_stage"] == "Design"
    assert first.figures["pca"] == pytest.approx(0.2)
    assert first.quote is not None
    assert first.quote.text == "Acceptance criteria, every time"
    assert "agreed what a complete hand-over holds" in first.experiment
    assert all(f.place != "Design" for f in findings), "nothing stands out at Design"


def test_the_first_finding_of_a_long_queue_names_the_queue_not_the_lossy_hand_off() -> None:
    findings = long_queue().analyse().findings
    first = findings[0]
    assert (first.key, first.place) == ("long_wait", "Deploy")
    assert first.figures["wait"] == pytest.approx(25 - 0.25)
    assert first.quote is not None
    assert first.quote.text == "The weekly CAB, then a release window"
    assert "CAB" in first.experiment, "the risk-controls experiment, as the answers point there"
    assert [f.place for f in findings[1:]] == ["Test"], "the lossy hand-off comes after"


def test_one_finding_a_place_and_no_quote_twice() -> None:
    findings = lost_context().analyse().findings
    places = [f.place for f in findings]
    assert len(places) == len(set(places))
    quotes = [f.quote.text for f in findings if f.quote is not None]
    assert len(quotes) == len(set(quotes))
    assert len(findings) <= load_finding_book().max_findings
    assert [f.strength for f in findings] == sorted((f.strength for f in findings), reverse=True)


def test_a_broken_finding_book_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "findings.toml"
    path.write_text('[[rule]]\nkey = "x"\nmeasure = "vibes"\nfull_at = 1\nweight = 1\n')
    with pytest.raises(QuestionBankError, match=r"findings\.toml"):
        load_finding_book(path)


def test_many_people_naming_one_pain_area_is_a_finding() -> None:
    team = quick_start()
    for n, pain in enumerate(
        ["The shared UAT environment is down", "UAT is booked by another team",
         "Our test environment breaks weekly", "Staging is never free"]
    ):  # fmt: skip
        team.person("quality", f"Q{n}").says({"Test.pain": pain, "Test.lead_time": "3 days"})
    findings = team.analyse().findings
    (finding,) = [f for f in findings if f.key == "many_complain"]
    assert finding.place == "theme:testing_and_environments"
    assert finding.people == 4
    assert "environment each team can create and throw away" in finding.experiment


def test_estimates_far_apart_are_a_finding() -> None:
    team = quick_start()
    team.person("quality", "Q1").says({"Test.process_time": "1 day", "Test.lead_time": "1 day"})
    team.person("quality", "Q2").says({"Test.process_time": "1 day", "Test.lead_time": "6 days"})
    findings = team.analyse().findings
    (finding,) = [f for f in findings if f.place == "Test"]
    assert finding.key == "estimates_apart", "the wait is short; the estimates are 6x apart"
    assert (finding.figures["low"], finding.figures["high"]) == (1.0, 6.0)
    assert finding.people == 2


def test_a_wait_whose_answers_fall_in_two_themes_gets_the_more_particular_experiment() -> None:
    """Idea's pain names a sponsor and the steering group: sponsorship and approvals, once
    each; approvals is named all over the path, sponsorship only at Idea."""
    team = Team(workshop("Idea=product; Approval=management"))
    team.person("product").says(
        {"Idea.process_time": "1 day", "Idea.lead_time": "3 weeks",
         "Idea.pain": "Finding a sponsor: the steering group meets once a month"}
    )  # fmt: skip
    team.person("management").says(
        {"Approval.process_time": "1 day", "Approval.lead_time": "1 day",
         "Approval.pain": "The business case needs a second approval from finance"}
    )  # fmt: skip
    (idea,) = [f for f in team.analyse().findings if f.place == "Idea"]
    assert idea.key == "long_wait"
    assert idea.experiment == "What if a sponsor could say yes between meetings?"
