"""The channel summary keeps within Slack's limits however much people said."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.rendering import Renderer
from bot.sandbox.blockkit import message_block_problems, view_problems, view_size_exceeded
from bot.sandbox.message_text import render_view_text
from bot.slack.blocks.summary import SummaryPost, build_stage_view, build_summary_post
from bot.workshop.core.analysis.model import (
    FACILITATOR,
    Estimate,
    Gap,
    GapKind,
    Handoff,
    Note,
    NoteKind,
    PathAnalysis,
    Perception,
    Quote,
    StageMetrics,
    Theme,
    ThemeKey,
)
from bot.workshop.core.model import WorkshopDetails
from tests.core.metrics_cases import Team, workshop

STAGES = ("Idea", "Approval", "Design", "Engineer", "Test", "Deploy", "Release", "Maintain")
TOKEN = re.compile(r"w\d+x")


def long_text(words: int, seed: int) -> str:
    """Words that show a cut: every one is w<number>x, so half a word has no x."""
    return " ".join(f"w{seed * 1000 + n}x" for n in range(words))


def quote(n: int, stage: str | None, words: int, place: int = 0) -> Quote:
    """Participant n's answer; `place` tells apart what one person said in several places
    (the thread quotes each wording once)."""
    return Quote(
        role=f"Role {n % 7}", user_id=f"U{n:05d}", stage=stage, label="What hurts",
        text=long_text(words, n + 10_000 * place),
    )  # fmt: skip


def analysis(participants: int, words: int) -> PathAnalysis:
    stages = tuple(
        StageMetrics(
            position=i,
            name=name,
            roles=("Engineering", "Product Owner"),
            process_days=2.0,
            lead_days=10.0,
            wait_days=8.0,
            worst_lead_days=40.0,
            worst_wait_days=38.0,
            pca=0.6,
            rework=0.2,
            respondents=participants,
            disagreement=tuple(
                Estimate(role="Engineering", user_id=f"U{n:05d}", days=float(n + 1))
                for n in range(min(participants, 30))
            ),
            quotes=tuple(quote(n, name, words, i) for n in range(participants)),
        )
        for i, name in enumerate(STAGES, start=1)
    )
    handoffs = tuple(
        Handoff(
            from_stage=a,
            to_stage=b,
            from_role="Product Owner",
            to_role="Engineering",
            wait_days=8.0,
            pca=0.5,
            sender_pca=0.9,
            rework=0.3,
            pain_mentions=participants,
            heat=0.9 - i / 10,
            disputed=True,
            evidence=tuple(quote(n, b, words) for n in range(min(participants, 5))),
        )
        for i, (a, b) in enumerate(itertools.pairwise(STAGES))
    )
    return PathAnalysis(
        workshop_id=1,
        title="A title " + long_text(40, 9),
        stages=stages,
        handoffs=handoffs,
        lead_days=80.0,
        process_days=16.0,
        flow_efficiency=0.2,
        rolled_pca=0.727,
        longest_wait=stages[1],
        perceptions=tuple(
            Perception(role="Management", user_id=f"U{n:05d}", days=20.0, ratio=0.25)
            for n in range(participants)
        ),
        themes=tuple(
            Theme(
                key=key,
                title=key.value,
                quotes=tuple(quote(n, None, words, 20 + t) for n in range(participants)),
            )
            for t, key in enumerate(ThemeKey)
        ),
        gaps=tuple(
            Gap(kind=GapKind.UNKNOWN_DURATION, subject=f"Stage {n}", suggested_owner="Engineering")
            for n in range(participants)
        ),
        craziest_steps=tuple(quote(n, None, words, 10) for n in range(participants)),
        deletions=tuple(quote(n, None, words, 11) for n in range(participants)),
        roles_answered=participants,
        roles_total=participants,
    )


@pytest.mark.parametrize(("participants", "words"), [(1, 5), (7, 60), (40, 700), (200, 700)])
def test_every_message_passes_slack_block_checks(participants: int, words: int) -> None:
    post = build_summary_post(analysis(participants, words), Renderer(), named=True, updated=True)
    for message in (post.parent, *post.thread):
        assert message_block_problems(list(message.blocks)) == []
        assert len(message.blocks) <= 50
        assert 0 < len(message.text) <= 3000
        for block in message.blocks:
            text = (block.get("text") or {}).get("text", "")
            assert len(text) <= 3000
            for element in block.get("elements", []):
                assert len(element.get("text", "")) <= 3000


@pytest.mark.parametrize("participants", [80, 200])
def test_long_content_is_split_with_a_note_and_never_cut_mid_word(participants: int) -> None:
    post = build_summary_post(analysis(participants, 700), Renderer(), named=False, updated=False)
    assert len(post.thread) > 1, "too much for one message: the thread continues"
    continued = [
        m for m in post.thread[1:] if m.blocks[0]["type"] == "context"
        and "continued" in m.blocks[0]["elements"][0]["text"]
    ]  # fmt: skip
    assert continued, "a message that carries on says so"
    everything = " ".join(
        str((b.get("text") or {}).get("text", ""))
        for m in (post.parent, *post.thread)
        for b in m.blocks
    )
    for fragment in re.findall(r"w\d+x?", everything):
        assert fragment.endswith("x"), f"a word was cut: {fragment}"
    assert "…" in everything, "shortened answers are marked"


def test_quotes_name_roles_not_people_unless_asked() -> None:
    anonymous = build_summary_post(analysis(3, 5), Renderer(), named=False, updated=False)
    named = build_summary_post(analysis(3, 5), Renderer(), named=True, updated=False)
    flat = str([m.blocks for m in anonymous.thread])
    assert "<@U00001>" not in flat
    assert "Role 1" in flat
    assert "<@U00001>" in str([m.blocks for m in named.thread])


def test_the_parent_names_the_hottest_handoff_and_the_headline_figures() -> None:
    post = build_summary_post(analysis(3, 5), Renderer(), named=False, updated=True)
    text = str(post.parent.blocks)
    assert "Idea → Approval" in text
    assert "80 d" in text
    assert "20%" in text
    assert "72.7%" in text
    assert "updated with late answers" in text


def thread_text(post: SummaryPost) -> str:
    return "\n".join(
        str((b.get("text") or {}).get("text", "")) for m in post.thread for b in m.blocks
    )


def test_notes_and_open_questions_read_in_words_in_the_thread() -> None:
    noted = analysis(1, 5)
    stage = noted.stages[0].model_copy(
        update={
            "notes": (
                Note(kind=NoteKind.PT_OVER_LT),
                Note(kind=NoteKind.PT_SPREAD, context={"low": 0.0625, "high": 0.25}),
            )
        }
    )
    gaps = (
        Gap(kind=GapKind.UNOWNED_STAGE, subject="Review", suggested_owner=FACILITATOR),
        Gap(
            kind=GapKind.ONE_SIDED_HANDOFF,
            subject="Idea → Approval",
            suggested_owner="Management & Shared Services",
        ),
    )
    noted = noted.model_copy(update={"stages": (stage, *noted.stages[1:]), "gaps": gaps})
    text = thread_text(build_summary_post(noted, Renderer(), named=False, updated=False))
    stages = render_view_text(build_stage_view(noted, Renderer(), named=False))
    assert "\n_hands-on time exceeds elapsed time_\n" in stages
    assert "\n_hands-on time estimates differ more than 2× (0.5 h to 2 h)_\n" in stages
    assert "exceeds elapsed time" not in text, "stage notes are in the stage view only"
    assert (
        "Nobody here owns *Review*: who does it, and how long does it take? Ask: facilitator."
        in text
    )
    assert "described by one side only. Ask: Management &amp; Shared Services." in text


def test_the_thread_quotes_each_wording_once_and_counts_who_said_it() -> None:
    picked = "A slot on somebody else's calendar"
    base = analysis(3, 5)
    stage = base.stages[0].model_copy(
        update={
            "quotes": tuple(
                Quote(role=role, user_id=f"U{n}", stage="Idea", label="Waiting for", text=text)
                for n, (role, text) in enumerate(
                    [("Product Owner", picked), ("Engineering", picked.lower() + "."),
                     ("Engineering", picked), ("Quality", "Something else entirely")]
                )
            )
        }
    )  # fmt: skip
    theme = base.themes[0].model_copy(update={"quotes": (*stage.quotes, *base.themes[0].quotes)})
    changed = base.model_copy(
        update={"stages": (stage, *base.stages[1:]), "themes": (theme, *base.themes[1:])}
    )
    post = build_summary_post(changed, Renderer(), named=False, updated=False)
    thread = "\n".join(
        str((b.get("text") or {}).get("text", "")) for m in post.thread for b in m.blocks
    )
    assert thread.casefold().count(picked.casefold()) == 1, "quoted once, where it first comes"
    assert "3 people: Product Owner, Engineering" in thread
    assert thread.count("Something else entirely") == 1
    assert "more, quoted above or like those here" in thread, "counted"
    stages = render_view_text(build_stage_view(changed, Renderer(), named=False))
    assert stages.casefold().count(picked.casefold()) == 1, "the stage view merges them too"
    assert "3 people: Product Owner, Engineering" in stages


@pytest.mark.parametrize(("participants", "words"), [(1, 5), (7, 60), (40, 700), (200, 700)])
def test_the_stage_view_keeps_within_a_modal(participants: int, words: int) -> None:
    rich = analysis(participants, words)
    view = build_stage_view(rich, Renderer(), named=True)
    assert view_problems(view) == []
    assert not view_size_exceeded(view)
    text = render_view_text(view)
    assert [s.name for s in rich.stages if f". {s.name}*" in text] == [s.name for s in rich.stages]


def test_the_stage_view_shows_a_little_of_each_kind_of_answer() -> None:
    base = analysis(1, 5)
    said = [("What happens", f"Step {n} of the work") for n in range(8)]
    said += [("What hurts", "The queue for review"), ("Waiting for", "Budget sign-off")]
    stage = base.stages[0].model_copy(
        update={
            "quotes": tuple(
                Quote(role="Engineering", user_id=f"U{n}", stage="Idea", label=label, text=text)
                for n, (label, text) in enumerate(said)
            )
        }
    )
    text = render_view_text(
        build_stage_view(base.model_copy(update={"stages": (stage,)}), Renderer(), named=False)
    )
    assert "The queue for review" in text
    assert "Budget sign-off" in text
    assert text.count("_What happens_") == 4
    assert "4 more wordings at this stage" in text
    assert text.index("Step 3 of the work") < text.index("The queue for review"), "in order"


CALENDAR = "A slot on somebody else's calendar"


def lone_tester(*, named: bool) -> PathAnalysis:
    """Two engineers hand over to one tester; the tester's complaint is the evidence on
    the hottest hand-off, and the tester and an engineer give the same craziest step."""
    path = workshop("Design=engineering; Test=quality")
    team = Team(path.model_copy(update={"details": WorkshopDetails(named=named)}))
    team.person("engineering", "UE1").says(
        {"Design.process_time": "2 days", "Design.lead_time": "3 days",
         "Design.pain": "Specs arrive half written", "craziest_step": CALENDAR}
    )  # fmt: skip
    team.person("engineering", "UE2").says({"Design.what_happens": "We sketch it together"})
    team.person("quality", "UQ").says(
        {"Test.process_time": "1 day", "Test.lead_time": "4 weeks", "Test.receive_pca": "20%",
         "Test.pain": "UAT is shared and always broken",
         "Test.waiting_for": "A slot in the shared UAT environment",
         "craziest_step": CALENDAR.lower() + "."}
    )  # fmt: skip
    return team.analyse()


def test_anonymous_quotes_from_a_role_of_one_person_read_a_participant() -> None:
    analysis = lone_tester(named=False)
    post = build_summary_post(analysis, Renderer(), named=False, updated=False)
    parent, thread = str(post.parent.blocks), thread_text(post)
    stages = render_view_text(build_stage_view(analysis, Renderer(), named=False))
    assert "> “A slot in the shared UAT environment” (a participant)" in parent
    assert "(Engineering → Quality/Test)" in parent, "the hand-off still names its roles"
    assert "> “A slot in the shared UAT environment” (a participant)" in thread, "the finding"
    assert "_What hurts_ (a participant): UAT is shared and always broken" in thread
    assert "_Craziest step_ (2 of 3 people: Engineering and 1 other)" in thread
    assert "_What hurts_ (a participant): UAT is shared and always broken" in stages
    assert "_What hurts_ (Engineering): Specs arrive half written" in stages, "two engineers"
    for text in (parent, thread, stages):
        assert "(Quality/Test" not in text, "no quote names the tester's role"
        assert "@U" not in text, "nor any person"


def test_named_quotes_keep_the_role_of_one_person_beside_their_name() -> None:
    analysis = lone_tester(named=True)
    stages = render_view_text(build_stage_view(analysis, Renderer(), named=True))
    assert "_What hurts_ (Quality/Test, @UQ): UAT is shared and always broken" in stages
    assert "a participant" not in stages
