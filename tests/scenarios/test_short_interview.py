"""The short interview through Slack: a few steps, each one message answered in one reply
(or, when a reply leaves something out, only the rest asked for again); at most a few
optional follow-ups on top, never counted in the total a person is shown."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.documents.export import render
from bot.workshop.core.questions import Question
from bot.workshop.core.steps import step_parts
from tests.replies import reply_for
from tests.scenarios.conftest import Harness
from tests.scenarios.test_workshop import (
    announced,
    answer_all_by_typing,
    answers_of,
    asked_keys,
    bot_messages,
    finished_analysis,
    interview_of,
    open_question,
    part_menus,
    question_for,
    question_key,
    wait_for_reply,
)

# -- one role, typing only -------------------------------------------------------------------

TYPED = {
    # two figures at once, and how often it comes back, in words
    "Idea.figures": "2 days of work over 3 weeks, comes back about a third of the time",
    "Idea.story": "Idea written up and a sponsor found. Finding a sponsor takes a month.",
    "Idea.waiting_for": "A slot on the steering group's calendar",
    # only the two durations: rework and %C&A are asked for again
    "Design.figures": "3 days of work over 2 weeks",
    "Design.story": "Wireframes agreed with the team. Designs go back and forth.",
    "Design.pca_missing": "Edge cases and who decided what",
    "Release.figures": "2 hours of work over 1 week, comes back rarely",
    "Release.story": "Feature flag turned on. We wait for the monthly release train.",
    "Release.waiting_for": "The monthly release train",
    # says what is handed on, with "one" in it, but not how often it comes back
    "handing_on": "We hand over one build to QA in Jira",
    "whole_path": "About 2 months. The business case for a change already agreed. "
    "I'd delete the business case.",
}
THE_REST = {
    "Design.figures": "comes back rarely, usable about half the time",
    "handing_on": "sometimes",
}
MENUS_FOR_THE_REST = {
    "Design.figures": ["Design.rework", "Design.receive_pca"],
    "handing_on": ["handover_returns"],
}


def figure(parts: dict[str, Any], key: str) -> tuple[Any, ...]:
    parsed = parts[key]["parsed"]
    return (parsed["low"], parsed["high"], parsed.get("unit"))


async def test_a_role_answers_by_typing_and_only_what_is_missing_is_asked_again(
    harness: Harness,
) -> None:
    await harness.command("fran", "start Typing product=@priya mgmt=@mark")
    user = harness["priya"]
    rest_asked: dict[str, str] = {}
    while (message := open_question(harness, "priya")) is not None:
        key = question_key(message)
        text = THE_REST[key] if key in asked_keys(harness, "priya")[:-1] else TYPED[key]
        before = len(bot_messages(harness, "priya"))
        await harness.slack.send_dm(user, text)
        await wait_for_reply(harness, "priya", before)
        again = open_question(harness, "priya")
        if again is not None and question_key(again) == key and key not in rest_asked:
            rest_asked[key] = harness.slack.render(again)
            menus = [part for _, part in part_menus(again)]
            assert menus == MENUS_FOR_THE_REST[key], "menus for the figures still needed only"
        assert len(asked_keys(harness, "priya")) < 20, "the interview never ended"

    assert any("That's everything" in t for t in harness.dm_texts("priya"))
    assert not [d for d in harness.slack.deliveries if d.kind == "interactive"], "typed only"
    assert asked_keys(harness, "priya") == [
        "Idea.figures",
        "Idea.story",
        "Idea.waiting_for",
        "Design.figures",
        "Design.figures",  # the rest of the step
        "Design.story",
        "Design.pca_missing",
        "Release.figures",
        "Release.story",
        "Release.waiting_for",
        "handing_on",
        "handing_on",  # how often it comes back
        "whole_path",
    ]
    assert sorted(rest_asked) == ["Design.figures", "handing_on"]
    design = rest_asked["Design.figures"]  # the parts' `ask`, in the message's list
    assert "So far: Hands-on time: 3 days of work; Elapsed time: 2 weeks" in design
    assert "to be redone" in design
    assert "usable as it is, without fixing it or asking" in design
    assert "how long people actually work on it" not in design, "only the rest is asked"
    assert "from when it could start until it is handed on" not in design
    handing = rest_asked["handing_on"]
    assert "with questions or for changes" in handing
    assert "what you hand on, to whom, and in what form" not in handing
    steps = {n for n, _ in announced(harness, "priya")}
    assert {m for _, m in announced(harness, "priya")} == {8}, "re-asks change no total"
    assert steps == set(range(1, 9))

    stored = await answers_of(harness, "priya")
    idea = step_parts(stored["Idea.figures"])
    assert figure(idea, "Idea.process_time") == (2, 2, "days")
    assert idea["Idea.process_time"]["parsed"]["basis"] == "working", "days of work"
    assert figure(idea, "Idea.lead_time") == (3, 3, "weeks")
    assert figure(idea, "Idea.rework") == (33, 33, None), "a third of the time"
    design_parts = step_parts(stored["Design.figures"])
    assert {k: v["text"] for k, v in design_parts.items()} == {
        "Design.process_time": "3 days of work",
        "Design.lead_time": "2 weeks",
        "Design.rework": "rarely",
        "Design.receive_pca": "about half the time",
    }
    assert stored["Design.figures"].raw_text == "\n".join(
        (TYPED["Design.figures"], THE_REST["Design.figures"])
    ), "both replies are kept"
    assert figure(design_parts, "Design.receive_pca") == (45, 55, None)
    handover = step_parts(stored["handing_on"])
    assert handover["handover"]["text"] == TYPED["handing_on"]
    assert handover["handover_returns"]["text"] == "sometimes", "not the 'one' of 'one build'"

    archive = harness.p2p.services.archive
    document = json.loads(render(await archive.export_workshop(), "json"))  # type: ignore[arg-type]
    (priya,) = [p for p in document["participants"] if p["user_id"] == user]
    exported = {a["question_key"]: a for a in priya["answers"]}
    assert not {k for k in exported if k.endswith((".figures", ".story"))}, "parts, not steps"
    for key, parts in (("Idea.figures", idea), ("Design.figures", design_parts)):
        for part, said in parts.items():
            assert exported[part]["parsed"] == said["parsed"], (key, part)
            assert exported[part]["kind"] in {"duration", "percent"}
    assert exported["Design.receive_pca"]["kind"] == "percent"
    assert exported["perceived_lead_time"]["parsed"]["unit"] == "months"
    assert exported["handover_returns"]["parsed"]["kind"] == "percent"


# -- a whole workshop, in turn, with follow-ups ----------------------------------------------

# The Product Owner owns four stages here: each one's answers earn a follow-up, but three
# is the most anyone is asked.
STAGES = """Idea: product
Approval: management, shared
Design: product, engineering
Engineer: engineering
Test: quality
Deploy: operations
Release: operations, product
Maintain: support, product"""
PEOPLE = {
    "product": ["priya"],
    "management": ["mark"],
    "shared": ["sam"],
    "engineering": ["erin", "eli"],
    "quality": ["quinn"],
    "operations": ["omar"],
    "support": ["sofia"],
}
ORDER = ["priya", "mark", "sam", "erin", "eli", "quinn", "omar", "sofia"]
# How usable the work is as it arrives, as those who take it over at each stage say.
USABLE = {
    "Approval": 60,
    "Design": 40,
    "Engineer": 80,
    "Test": 50,
    "Deploy": 75,
    "Release": 85,
    "Maintain": 65,
}


def with_followups(question: Question, missing: list[str]) -> str:
    """Replies that earn follow-ups: long waits, a low %C&A, an approval board at Release;
    at Design, all three at once (the first that applies is the one asked)."""
    stage = question.stage or ""
    keys = {p.base_key for p in question.answer_parts()}
    if question.base_key == "figures":
        said = (
            "2 days of work over 3 days, comes back rarely"
            if stage == "Release"
            else "half a day of work over 3 weeks, comes back rarely"
        )
        if "receive_pca" in keys:
            said += f", usable {USABLE[stage]}% of the time"
        return said
    if question.base_key == "story":
        if stage in ("Release", "Design"):
            return f"{stage} gets done. Then we wait for the approval board every time."
        return f"{stage} gets done. Nobody owns the final call here."
    return reply_for(question, missing=missing)


async def start_with_the_form(harness: Harness) -> None:
    await harness.command("fran", "start Long way round")
    fields: dict[str, object] = {
        "stages": {"value": STAGES},
        "mode": {"value": "in_turn"},
    }
    for role, names in PEOPLE.items():
        fields[f"role:{role}"] = {"value": [harness[n] for n in names]}
    await harness.slack.submit_view(harness["fran"], fields)
    await harness.slack.wait_for(lambda: bool(harness.ephemeral_texts("fran")), timeout=30)
    assert "has started" in harness.ephemeral_texts("fran")[-1]


async def test_in_turn_the_total_never_changes_and_follow_ups_stay_few(
    harness: Harness,
) -> None:
    await start_with_the_form(harness)
    bank = harness.p2p.services.deps.bank
    followups: dict[str, list[Question]] = {}
    for name in ORDER:
        await harness.slack.wait_for(lambda n=name: open_question(harness, n) is not None)
        await answer_all_by_typing(harness, name, reply=with_followups)
        workshop, interview = await interview_of(harness, name)
        steps = bank.questions_for(workshop, interview.role_key)
        totals = {m for _, m in announced(harness, name)}
        assert totals == {len(steps)}, f"{name} was always told the same total"
        first = harness.dm_texts(name)[0]
        minutes = max(1, round(bank.minutes_for(workshop, interview.role_key)))
        assert f"It takes about {minutes} minutes: {len(steps)} short steps" in first, first
        asked = [await question_for(harness, name, k) for k in asked_keys(harness, name)]
        followups[name] = [q for q in asked if q.is_followup]
        assert [q.key for q in asked if not q.is_followup] == [s.key for s in steps]
        for text in harness.dm_texts(name):
            if "one more, optional" in text:
                assert f"of {len(steps)}" in text, "a follow-up names the step it follows"

    for name, extra in followups.items():
        assert 1 <= len(extra) <= bank.max_followups, (name, [q.key for q in extra])
        where = [q.stage for q in extra]
        assert len(where) == len(set(where)), f"{name}: one follow-up a stage at most"
    assert [q.key for q in followups["priya"]] == [
        "Idea.waiting_for",
        "Design.pca_missing",  # a low %C&A comes first, before the wait and the board
        "Release.approval_details",
    ], "three, though Maintain's long wait would earn one too"
    asked_followups = sum(
        "one more, optional" in t for name in ORDER for t in harness.dm_texts(name)
    )
    assert asked_followups == sum(len(extra) for extra in followups.values())

    await harness.wait_for_channel(2, containing="From idea to production")
    analysis = await finished_analysis(harness)
    stages = [line.partition(":")[0] for line in STAGES.splitlines()]
    assert [(h.from_stage, h.to_stage) for h in analysis.handoffs] != []
    assert sorted(h.to_stage for h in analysis.handoffs) == sorted(stages[1:]), "every one"
    for handoff in analysis.handoffs:
        # the figure those taking the work over gave at the stage they take it over
        assert handoff.pca == pytest.approx(USABLE[handoff.to_stage] / 100), handoff
        assert handoff.sender_pca != handoff.pca, "not the sender's view (where it has one)"
