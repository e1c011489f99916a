"""Reading one typed reply into the parts of a step (bot.workshop.core.replies), against
the real question bank: which figure goes to which part, and what is left to ask."""

from __future__ import annotations

from typing import Any

import pytest

from bot.workshop.core.questions import Question
from bot.workshop.core.replies import find_figures, normalise_percent, read_reply
from tests.core.metrics_cases import BANK, workshop

PATH = workshop("Idea=product; Approval=management; Design=product,engineering; Test=quality")


def step(role: str, key: str) -> Question:
    found = BANK.find(PATH, role, key)
    assert found is not None, key
    assert found.is_step, key
    return found


DESIGN = step("product", "Design.figures")  # receives from Management: asks %C&A too
IDEA = step("product", "Idea.figures")  # the first stage: no %C&A
STORY = step("product", "Design.story")
HANDING_ON = step("product", "handing_on")
WHOLE_PATH = step("product", "whole_path")


def figures(text: str, question: Question = DESIGN) -> dict[str, Any]:
    """{part base key: (low, high, unit or "%")} for what the reply fills."""
    found = read_reply(text, question.asked_parts())
    summary: dict[str, Any] = {}
    for key, reading in found.items():
        parsed = reading.parsed or {}
        base = key.rsplit(".", 1)[-1]
        if parsed.get("kind") == "unknown":
            summary[base] = "unknown"
        elif parsed.get("kind") == "percent":
            summary[base] = (parsed["low"], parsed["high"], "%")
        else:
            summary[base] = (parsed["low"], parsed["high"], parsed["unit"])
    return summary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2 days of work over 3 weeks, comes back about a third of the time",
            {"process_time": (2, 2, "days"), "lead_time": (3, 3, "weeks"),
             "rework": (33, 33, "%")},
            id="the-issue-example",
        ),
        pytest.param(
            "3 days, 2 weeks, rarely, 60%",
            {"process_time": (3, 3, "days"), "lead_time": (2, 2, "weeks"),
             "rework": (0, 20, "%"), "receive_pca": (60, 60, "%")},
            id="in-the-order-asked",
        ),
        pytest.param(
            "2 weeks elapsed, 1 day of work. Worst case 2 months.",
            {"lead_time": (2, 2, "weeks"), "process_time": (1, 1, "days"),
             "lead_time_worst": (2, 2, "months")},
            id="cues-beat-order",
        ),
        pytest.param(
            "3 weeks, 2 days",
            {"process_time": (2, 2, "days"), "lead_time": (3, 3, "weeks")},
            id="uncued-durations-smaller-is-hands-on",
        ),
        pytest.param(
            "Hands-on 3 days but it takes about 3 weeks in all. It comes back 10% of the "
            "time and what arrives is usable about half the time.",
            {"process_time": (3, 3, "days"), "lead_time": (3, 3, "weeks"),
             "rework": (10, 10, "%"), "receive_pca": (45, 55, "%")},
            id="sentences",
        ),
        pytest.param(
            "usable one in four times, half a day of work",
            {"receive_pca": (25, 25, "%"), "process_time": (0.5, 0.5, "days")},
            id="one-in-four",
        ),
        pytest.param("about 2 weeks", {"process_time": (2, 2, "weeks")}, id="one-figure"),
        pytest.param("it depends", {}, id="nothing-readable"),
    ],
)  # fmt: skip
def test_figures_go_to_their_parts(text: str, expected: dict[str, Any]) -> None:
    assert figures(text) == expected


def test_a_bare_number_is_not_a_percentage_in_a_step() -> None:
    assert figures("2 days of work, comes back 3") == {"process_time": (2, 2, "days")}


def test_over_after_a_duration_ties_the_elapsed_time_and_is_not_more_than() -> None:
    (_, elapsed) = find_figures("2 days of work over 3 weeks")
    assert elapsed.text == "3 weeks"
    assert elapsed.parsed.get("open_ended") is False


def test_a_percentage_is_not_asked_where_the_role_does_not_receive() -> None:
    assert figures("2 days, 3 weeks, rarely, 60%", IDEA) == {
        "process_time": (2, 2, "days"),
        "lead_time": (3, 3, "weeks"),
        "rework": (0, 20, "%"),
    }


def test_dont_know_to_a_step_leaves_every_required_figure_unknown() -> None:
    assert figures("don't know") == {
        "process_time": "unknown",
        "lead_time": "unknown",
        "rework": "unknown",
        "receive_pca": "unknown",
    }


def test_only_the_parts_still_wanted_are_filled() -> None:
    (elapsed,) = [p for p in DESIGN.parts if p.base_key == "lead_time"]
    found = read_reply("1 week", [elapsed])
    assert list(found) == ["Design.lead_time"]
    assert found["Design.lead_time"].parsed is not None
    assert read_reply("it depends on the week", [elapsed]) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Wireframes agreed. Designs go back and forth because nobody owns the call.",
            {"Design.what_happens": "Wireframes agreed.",
             "Design.pain": "Designs go back and forth because nobody owns the call."},
            id="two-sentences",
        ),
        pytest.param(
            "Designs go back and forth.", {"Design.pain": "Designs go back and forth."},
            id="one-sentence-is-the-pain",
        ),
        pytest.param(
            "We draw it. Nobody decides. Then it changes again.",
            {"Design.what_happens": "We draw it.",
             "Design.pain": "Nobody decides. Then it changes again."},
            id="the-last-part-takes-the-rest",
        ),
    ],
)  # fmt: skip
def test_text_parts_share_the_sentences(text: str, expected: dict[str, str]) -> None:
    found = read_reply(text, STORY.asked_parts())
    assert {key: reading.text for key, reading in found.items()} == expected


def test_a_hand_over_keeps_the_whole_reply_and_reads_how_often_it_comes_back() -> None:
    text = "A Jira epic for the team; it comes back about half the time"
    found = read_reply(text, HANDING_ON.asked_parts())
    assert found["handover"].text == text
    assert found["handover_returns"].parsed == {
        "low": 45.0, "high": 55.0, "approximate": True, "kind": "percent",
    }  # fmt: skip


def test_the_whole_path_in_one_reply() -> None:
    text = "About 3 months. The CAB for a config change. I'd delete the second review."
    found = read_reply(text, WHOLE_PATH.asked_parts())
    assert found["perceived_lead_time"].parsed is not None
    assert found["perceived_lead_time"].parsed["unit"] == "months"
    assert found["craziest_step"].text == "The CAB for a config change."
    assert found["delete_one"].text == "I'd delete the second review."


@pytest.mark.parametrize(
    ("said", "normal"),
    [("a third", "33%"), ("two thirds", "67%"), ("a quarter", "25%"), ("1 in 5", "20%"),
     ("one out of ten", "10%"), ("most of the time", "most of the time")],
)  # fmt: skip
def test_fractions_in_words_become_percentages(said: str, normal: str) -> None:
    assert normalise_percent(said) == normal
