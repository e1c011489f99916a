"""Value-stream measures from stored answers: figures worked out by hand, no mocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.workshop.core.analysis.metrics import NOTE_PT_OVER_LT, load_theme_book
from bot.workshop.core.analysis.model import (
    FACILITATOR,
    Estimate,
    Gap,
    GapKind,
    Note,
    NoteKind,
    ThemeKey,
)
from bot.workshop.core.model import InterviewStatus
from bot.workshop.core.questions import QuestionBankError
from prompts import QUESTIONS_DIR
from tests.core.metrics_cases import Team, workshop


def test_rolled_pca_multiplies_the_hand_offs() -> None:
    team = Team(workshop("Idea=product; Approval=management; Design=engineering; Test=quality"))
    team.person("management").says({"receive_pca": "90%"})
    team.person("engineering").says({"receive_pca": "95%"})
    team.person("quality").says({"receive_pca": "85%"})
    analysis = team.analyse()
    assert [s.pca for s in analysis.stages] == [None, 0.9, 0.95, 0.85]
    assert analysis.rolled_pca == pytest.approx(0.72675)
    assert [h.pca for h in analysis.handoffs] == [0.85, 0.9, 0.95]  # hottest first


UNKNOWN, HANDS_ON = GapKind.UNKNOWN_FIGURE, "process_time"


def test_a_stage_nobody_answered_has_no_figures_and_is_a_gap() -> None:
    team = Team(workshop("Idea=product; Design=engineering"))
    team.person("product").says({"Idea.process_time": "1 day", "Idea.lead_time": "3 days"})
    team.person("engineering", status=InterviewStatus.ACTIVE)
    analysis = team.analyse()
    design = analysis.stages[1]
    assert (design.position, design.roles, design.respondents) == (2, ("Engineering",), 0)
    assert (design.process_days, design.lead_days, design.wait_days) == (None, None, None)
    assert (design.worst_lead_days, design.pca, design.rework, design.quotes) == (
        None,
        None,
        None,
        (),
    )
    assert (analysis.lead_days, analysis.process_days) == (3.0, 1.0)
    assert analysis.flow_efficiency == pytest.approx(1 / 3)
    assert analysis.gaps == (
        Gap(kind=GapKind.UNKNOWN_DURATION, subject="Design", suggested_owner="Engineering"),
        Gap(kind=UNKNOWN, subject="Idea → Design", suggested_owner="Engineering", figure="pca"),
        Gap(kind=GapKind.MISSING_ROLE, subject="Engineering", suggested_owner="Engineering"),
    )
    [handoff] = analysis.handoffs
    assert (handoff.from_stage, handoff.to_stage, handoff.heat) == ("Idea", "Design", 0.0)
    assert (analysis.roles_answered, analysis.roles_total) == (1, 2)


@pytest.mark.parametrize(
    ("lead_times", "process_times", "lead", "process", "disagreement", "notes"),
    [
        (
            ("1 week", "4 weeks"),
            ("2 days", "3 days"),
            12.5,
            2.5,
            (
                Estimate(role="Engineering", user_id="U1", days=5.0),
                Estimate(role="Engineering", user_id="U2", days=20.0),
            ),
            (),
        ),
        (("1 week", "2 weeks"), ("2 days", "3 days"), 7.5, 2.5, (), ()),
        (
            ("1 week", "2 weeks"),
            ("1 hour", "1 day"),
            7.5,
            0.5625,
            (),
            # worded "hands-on time estimates differ more than 2× (1 h to 1 d)"
            (
                Note(
                    kind=NoteKind.PT_SPREAD,
                    context={"low": 0.125, "high": 1.0, "hours_per_day": 8.0},
                ),
            ),
        ),
    ],
)
def test_respondents_who_disagree_are_kept_and_the_median_used(
    lead_times: tuple[str, str],
    process_times: tuple[str, str],
    lead: float,
    process: float,
    disagreement: tuple[Estimate, ...],
    notes: tuple[Note, ...],
) -> None:
    team = Team(workshop("Engineer=engineering"))
    for n, (lt, pt) in enumerate(zip(lead_times, process_times, strict=True), start=1):
        team.person("engineering", f"U{n}").says(
            {"Engineer.lead_time": lt, "Engineer.process_time": pt}
        )
    engineer = team.analyse().stages[0]
    assert engineer.lead_days == pytest.approx(lead)
    assert engineer.process_days == pytest.approx(process)
    assert engineer.wait_days == pytest.approx(lead - process)
    assert engineer.disagreement == disagreement
    assert engineer.notes == notes
    assert engineer.respondents == 2


@pytest.mark.parametrize(
    ("process", "lead", "expected_lead", "gap"),
    [
        ("don't know", "no idea", None, True),
        ("skip", "idk", None, True),
        ("not sure", "2 weeks", 10.0, False),
    ],
)
def test_unknown_durations_give_no_figure(
    process: str, lead: str, expected_lead: float | None, gap: bool
) -> None:
    team = Team(workshop("Engineer=engineering"))
    team.person("engineering").says({"Engineer.process_time": process, "Engineer.lead_time": lead})
    analysis = team.analyse()
    engineer = analysis.stages[0]
    assert (engineer.process_days, engineer.lead_days) == (None, expected_lead)
    assert engineer.wait_days is None
    assert engineer.respondents == (0 if gap else 1)
    unknown = Gap(kind=GapKind.UNKNOWN_DURATION, subject="Engineer", suggested_owner="Engineering")
    assert (unknown in analysis.gaps) is gap


def test_hands_on_time_above_elapsed_time_is_noted_and_never_waits() -> None:
    team = Team(workshop("Engineer=engineering"))
    team.person("engineering").says(
        {
            "Engineer.process_time": "3 days",
            "Engineer.lead_time": "2 days",
            "Engineer.lead_time_worst": "4 days",
        }
    )
    analysis = team.analyse()
    engineer = analysis.stages[0]
    assert engineer.notes == (NOTE_PT_OVER_LT,)
    assert (engineer.wait_days, engineer.worst_wait_days) == (0.0, 1.0)
    assert (analysis.process_days, analysis.lead_days) == (3.0, 2.0)
    assert analysis.flow_efficiency == 1.0, "a stage's hands-on time counts up to its elapsed"
    assert analysis.longest_wait is None


def test_flow_efficiency_over_stages_with_both_figures() -> None:
    team = Team(workshop("Idea=product; Design=engineering; Engineer=engineering; Test=quality"))
    team.person("product").says({"Idea.process_time": "1 day", "Idea.lead_time": "5 days"})
    team.person("engineering").says(
        {
            "Design.process_time": "2 days",
            "Design.lead_time": "2 weeks",
            "Engineer.process_time": "4 days",
        }
    )
    team.person("quality").says({"Test.lead_time": "1 week"})
    analysis = team.analyse()
    assert analysis.lead_days == 20.0  # 5 + 10 + 5
    assert analysis.process_days == 7.0  # 1 + 2 + 4
    assert analysis.flow_efficiency == pytest.approx(3 / 15)  # Idea and Design only
    assert analysis.longest_wait is not None
    assert (analysis.longest_wait.name, analysis.longest_wait.wait_days) == ("Design", 8.0)


def test_hours_per_day_converts_hours() -> None:
    team = Team(workshop("Engineer=engineering"))
    team.person("engineering").says({"Engineer.process_time": "4 hours"})
    analysis = team.analyse(hours_per_day=4)
    assert (analysis.hours_per_day, analysis.stages[0].process_days) == (4, 1.0)


def planted_path() -> Team:
    team = Team(workshop("Idea=product; Approval=management; Design=engineering; Test=quality"))
    team.person("management").says(
        {"receive_pca": "90%", "Approval.process_time": "1 day", "Approval.lead_time": "3 days"}
    )
    team.person("engineering").says(
        {
            "receive_pca": "30%",
            "pca_missing": "Half the requirements are missing",
            "Design.process_time": "3 days",
            "Design.lead_time": "6 weeks",
            "Design.rework": "40%",
            "Design.pain": "We wait for the architecture board and the design is never complete",
        }
    )
    team.person("quality").says(
        {
            "receive_pca": "80%",
            "Test.process_time": "2 days",
            "Test.lead_time": "1 week",
            "Test.rework": "10%",
        }
    )
    return team


def test_the_worst_hand_off_ranks_first() -> None:
    analysis = planted_path().analyse()
    ranked = [(h.from_stage, h.to_stage) for h in analysis.handoffs]
    assert ranked == [("Approval", "Design"), ("Design", "Test"), ("Idea", "Approval")]
    worst, middle, mild = analysis.handoffs
    # 0.4 × 27/27 + 0.3 × (1 − 0.3) + 0.2 × 0.4 + 0.1 × 2/3, all weights known
    assert worst.heat == pytest.approx(0.4 + 0.21 + 0.08 + 0.2 / 3)
    # 0.4 × 3/27 + 0.3 × 0.2 + 0.2 × 0.1 + 0.1 × 0
    assert middle.heat == pytest.approx(0.4 * 3 / 27 + 0.06 + 0.02)
    # no rework figure, which adds nothing: 0.4 × 2/27 + 0.3 × 0.1 + 0.1 × 0
    assert mild.heat == pytest.approx(0.4 * 2 / 27 + 0.03)
    assert mild.unknown == ("rework",)
    assert (worst.from_role, worst.to_role, worst.wait_days) == (
        "Management",
        "Engineering",
        27.0,
    )
    assert (worst.pca, worst.rework, worst.pain_mentions) == (0.3, 0.4, 2)
    assert [q.text for q in worst.evidence] == [
        "We wait for the architecture board and the design is never complete",
        "Half the requirements are missing",
    ]
    assert analysis.longest_wait is not None
    assert analysis.longest_wait.name == "Design"


@pytest.mark.parametrize(
    ("returns", "usable", "sender_pca", "pca", "disputed"),
    [
        ("rarely", "about half", 0.9, 0.5, True),
        ("10%", "80%", 0.9, 0.8, False),
        ("25%", "50%", 0.75, 0.5, True),
        ("rarely", "skip", 0.9, None, False),
    ],
)
def test_sender_and_receiver_disagreeing_is_a_dispute(
    returns: str, usable: str, sender_pca: float, pca: float | None, disputed: bool
) -> None:
    team = Team(workshop("Engineer=engineering; Test=quality"))
    team.person("engineering").says({"handover": "A build in Jenkins", "handover_returns": returns})
    team.person("quality").says({"receive_confirm": "yes", "receive_pca": usable})
    [handoff] = team.analyse().handoffs
    assert handoff.sender_pca == pytest.approx(sender_pca)
    assert handoff.pca == (None if pca is None else pytest.approx(pca))
    assert handoff.disputed is disputed


def test_perceptions_put_management_first_with_their_ratio() -> None:
    team = Team(workshop("Idea=product; Approval=management; Engineer=engineering"))
    team.person("engineering").says(
        {"Engineer.lead_time": "4 weeks", "perceived_lead_time": "4 weeks"}
    )
    team.person("product", "UP").says({"perceived_lead_time": "1 month"})
    team.person("management", "UM").says({"perceived_lead_time": "2 months"})
    analysis = team.analyse()
    assert analysis.lead_days == 20.0
    seen = [(p.role, p.user_id, p.days, p.ratio) for p in analysis.perceptions]
    assert seen == [
        ("Management", "UM", 42.0, pytest.approx(2.1)),
        ("Product Owner", "UP", 21.0, pytest.approx(1.05)),
        ("Engineering", "U_engineering", 20.0, 1.0),
    ]


def test_estimates_are_one_line_a_role_with_a_range_for_several_people() -> None:
    team = Team(workshop("Idea=product; Engineer=engineering"))
    team.person("product", "UP").says(
        {"Idea.lead_time": "4 weeks", "perceived_lead_time": "1 month"}
    )
    team.person("engineering", "UE1").says({"perceived_lead_time": "2 months"})
    team.person("engineering", "UE2").says({"perceived_lead_time": "4 weeks"})
    lines = [
        (e.role, e.user_ids, e.low_days, e.high_days, e.ratio)
        for e in team.analyse().estimates_by_role()
    ]
    assert lines == [
        ("Product Owner", ("UP",), 21.0, 21.0, pytest.approx(1.05)),
        ("Engineering", ("UE1", "UE2"), 20.0, 42.0, pytest.approx(1.55)),
    ]


def test_perception_without_an_assembled_lead_time_has_no_ratio() -> None:
    team = Team(workshop("Engineer=engineering"))
    team.person("engineering").says({"perceived_lead_time": "3 months"})
    [perception] = team.analyse().perceptions
    assert (perception.days, perception.ratio) == (63.0, None)


def test_pain_is_sorted_into_themes_by_keyword_only() -> None:
    team = Team(workshop("Approval=management; Design=engineering; Test=quality"))
    team.person("management").says(
        {"Approval.pain": "The steering committee meets monthly and wants a business case"}
    )
    team.person("engineering").says(
        {"Design.pain": "It is slow", "delete_one": "The CAB approval before every release"}
    )
    team.person("engineering", "U_eng2")  # two engineers: their quotes may name the role
    team.person("quality").says(
        {
            "Test.what_happens": "UAT regression testing",
            "Test.pain": "UAT is shared and always broken",
            "craziest_step": "Raising a firewall ticket to another team takes 3 weeks",
        }
    )
    analysis = team.analyse()
    assert [(t.key, [q.text for q in t.quotes]) for t in analysis.themes] == [
        (
            ThemeKey.APPROVALS,
            [
                "The steering committee meets monthly and wants a business case",
                "The CAB approval before every release",
            ],
        ),
        (ThemeKey.TESTING_AND_ENVIRONMENTS, ["UAT is shared and always broken"]),
        (ThemeKey.RISK_CONTROLS, ["The CAB approval before every release"]),
        (
            ThemeKey.EXTERNAL_DEPENDENCIES,
            ["Raising a firewall ticket to another team takes 3 weeks"],
        ),
    ]
    themed = {q.text for t in analysis.themes for q in t.quotes}
    assert "It is slow" not in themed
    assert "UAT regression testing" not in themed, "what happens is not a complaint"
    assert analysis.themes[0].title == "Approvals"
    assert [q.text for q in analysis.craziest_steps] == [
        "Raising a firewall ticket to another team takes 3 weeks"
    ]
    assert [(q.role, q.label) for q in analysis.deletions] == [("Engineering", "The one to delete")]


def test_unowned_stage_is_a_gap_and_the_hand_off_skips_it() -> None:
    team = Team(workshop("Engineer=engineering; Review=; Deploy=operations; Release=operations"))
    team.person("engineering").says({"Engineer.lead_time": "1 week"})
    team.person("operations").says({"Deploy.lead_time": "1 day", "Release.lead_time": "1 day"})
    analysis = team.analyse()
    assert [(h.from_stage, h.to_stage) for h in analysis.handoffs] == [("Engineer", "Deploy")]
    assert analysis.stages[1].roles == ()
    ops = "Infrastructure/Operations"
    assert analysis.gaps == (
        Gap(kind=GapKind.UNOWNED_STAGE, subject="Review", suggested_owner="facilitator"),
        # every "?" the summary shows is an open question for whoever can answer it
        Gap(kind=UNKNOWN, subject="Engineer", suggested_owner="Engineering", figure=HANDS_ON),
        Gap(kind=UNKNOWN, subject="Deploy", suggested_owner=ops, figure=HANDS_ON),
        Gap(kind=UNKNOWN, subject="Release", suggested_owner=ops, figure=HANDS_ON),
        Gap(kind=UNKNOWN, subject="Engineer → Deploy", suggested_owner=ops, figure="pca"),
    )
    assert analysis.gaps[0].suggested_owner == FACILITATOR


def test_one_sided_hand_offs_and_missing_roles_are_gaps() -> None:
    team = Team(workshop("Idea=product; Approval=management; Design=engineering"))
    team.person("product").says({"Idea.lead_time": "1 week", "handover": "A page in the wiki"})
    team.person("management").says({"Approval.lead_time": "2 weeks"})
    team.person("engineering", status=InterviewStatus.SKIPPED).says(
        {"receive_pca": "70%", "Design.lead_time": "1 week"}
    )
    analysis = team.analyse()
    assert analysis.gaps == (
        Gap(kind=UNKNOWN, subject="Idea", suggested_owner="Product Owner", figure=HANDS_ON),
        Gap(kind=UNKNOWN, subject="Approval", suggested_owner="Management", figure=HANDS_ON),
        Gap(kind=UNKNOWN, subject="Design", suggested_owner="Engineering", figure=HANDS_ON),
        Gap(kind=UNKNOWN, subject="Idea → Approval", suggested_owner="Management", figure="pca"),
        Gap(
            kind=GapKind.ONE_SIDED_HANDOFF, subject="Idea → Approval", suggested_owner="Management"
        ),
        Gap(
            kind=GapKind.ONE_SIDED_HANDOFF,
            subject="Approval → Design",
            suggested_owner="Management",
        ),
        Gap(kind=GapKind.MISSING_ROLE, subject="Engineering", suggested_owner="Engineering"),
    )
    assert (analysis.roles_answered, analysis.roles_total) == (2, 3)


@pytest.mark.parametrize(
    ("confirm", "gates", "mentions"),
    [
        ("yes", "none", 0),
        ("Yes, that's what arrives", "No gates, nothing", 0),
        ("Yes, that's right", "None, but the CAB for big changes", 1),
        ("Yes, but the designs are always missing", "none", 1),
        ("yes", "Security sign-off from the CAB", 1),
        ("Mostly the build, never the test notes", "Sign-off", 2),
    ],
)
def test_agreement_and_no_gates_are_not_complaints(confirm: str, gates: str, mentions: int) -> None:
    team = Team(workshop("Engineer=engineering; Test=quality"))
    team.person("quality").says({"receive_confirm": confirm, "Test.gates": gates})
    [handoff] = team.analyse().handoffs
    assert handoff.pain_mentions == mentions


def test_evidence_keeps_the_five_most_informative() -> None:
    team = Team(workshop("Engineer=engineering; Test=quality"))
    pains = ["Slow", "UAT is down", "Nobody told us", "The UAT environment is booked", "Meh"]
    pains += ["Lost context from the hand-off, test data missing", "uat is down"]
    for n, pain in enumerate(pains):
        team.person("quality", f"Q{n}").says({"Test.pain": pain})
    [handoff] = team.analyse().handoffs
    assert handoff.pain_mentions == 7, "every complaint counts; evidence shows each wording once"
    assert handoff.heat == pytest.approx(0.1), "only the complaints are known: their share"
    assert handoff.unknown == ("wait", "quality", "rework")
    assert [q.text for q in handoff.evidence] == [
        "Lost context from the hand-off, test data missing",
        "The UAT environment is booked",
        "UAT is down",
        "Nobody told us",
        "Slow",
    ]


def test_stage_quotes_examples_and_the_latest_answer() -> None:
    team = Team(workshop("Test=quality"))
    team.person("quality", "UQ").says(
        {
            "Test.lead_time": "1 week",
            "Test.waiting_for": "A free slot in UAT",
            "Test.pain": "Slow",
            "Test.pain.example": "Last week UAT was down for three days",
            "Test.what_happens": "Regression suite passed",
        }
    ).says({"Test.lead_time": "2 weeks"})
    analysis = team.analyse()
    test = analysis.stages[0]
    assert test.lead_days == 10.0
    assert [(q.label, q.text, q.stage, q.user_id) for q in test.quotes] == [
        ("What happens", "Regression suite passed", "Test", "UQ"),
        ("What hurts", "Slow", "Test", "UQ"),
        ("What hurts: example", "Last week UAT was down for three days", "Test", "UQ"),
        ("Waiting for", "A free slot in UAT", "Test", "UQ"),
    ]
    [theme] = analysis.themes
    assert [q.text for q in theme.quotes] == [
        "A free slot in UAT",
        "Last week UAT was down for three days",
    ]


def test_the_shipped_theme_book_names_every_theme() -> None:
    book = load_theme_book()
    assert {theme.key for theme in book.themes} == set(ThemeKey)
    assert book.matching("Sign off by the steering group; tickets for VMs") == (
        ThemeKey.APPROVALS,
        ThemeKey.EXTERNAL_DEPENDENCIES,
    )
    assert book.matching("reprioritised") == ()
    assert book.matching("Reprioritised, then priorities changed") == (ThemeKey.IDEA_SPONSORSHIP,)


@pytest.mark.parametrize(
    "text",
    [
        "[[themes]\nkey = 'approvals'\n",
        "[[themes]]\nkey = 'approvals'\ntitle = 'Approvals'\nkeywords = ['approval']\n",
        (QUESTIONS_DIR / "themes.toml").read_text().replace('key = "approvals"', 'key = "vibes"'),
        (QUESTIONS_DIR / "themes.toml").read_text().replace('"CAB",', '"CAB", "",'),
    ],
)
def test_a_broken_theme_book_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "themes.toml"
    path.write_text(text)
    with pytest.raises(QuestionBankError, match=re.escape(str(path))):
        load_theme_book(path)


def test_a_missing_theme_book_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QuestionBankError, match="missing"):
        load_theme_book(tmp_path / "themes.toml")
