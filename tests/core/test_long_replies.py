"""Long and hostile replies are read quickly and without a crash: the bot reads a DM in the
event loop, so a pasted essay must not keep it from everyone else for seconds."""

from __future__ import annotations

import time

import pytest
from hypothesis import given

from bot.workshop.core.questions import QuestionKind
from bot.workshop.core.replies import MAX_FIGURE_WORDS, read_reply
from bot.workshop.core.steps import interpret_step, interpret_text
from tests.core.metrics_cases import BANK, workshop
from tests.hostile_text import HOSTILE_TEXT, examples

PATH = workshop("Idea=product; Design=product,engineering; Test=quality")
STEPS = [q for q in BANK.questions_for(PATH, "product") if q.is_step]
FIGURES_STEP = next(q for q in STEPS if q.key == "Design.figures")
# Words the readers of durations and percentages try hardest on: hedges, amounts, ranges.
SEEDS = ("about ", "half ", "one ", "up to ", "maybe about ", "2 - ", "a <!channel> b ", "x ")
LONG = 10_000
QUICK = 2.0  # seconds; each of these took from 5 s to over a minute before


def long_reply(seed: str) -> str:
    return (seed * (LONG // len(seed) + 1))[:LONG]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_long_reply_to_a_step_is_read_quickly(seed: str) -> None:
    started = time.perf_counter()
    interpret_step(FIGURES_STEP, long_reply(seed), None)
    assert time.perf_counter() - started < QUICK


@pytest.mark.parametrize("kind", [QuestionKind.DURATION, QuestionKind.PERCENT])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_long_reply_to_a_single_figure_is_read_quickly(seed: str, kind: QuestionKind) -> None:
    started = time.perf_counter()
    interpret_text(kind, long_reply(seed))
    assert time.perf_counter() - started < QUICK


def test_figures_are_read_in_the_first_words_and_the_rest_is_kept_as_text() -> None:
    filler = "and so on " * (MAX_FIGURE_WORDS // 3 + 1)
    late = read_reply(filler + "2 days of work over 3 weeks", FIGURES_STEP.asked_parts())
    assert late == {}, "a figure after the first words is asked for again, not guessed"
    early = read_reply("2 days of work over 3 weeks. " + filler, FIGURES_STEP.asked_parts())
    assert set(early) >= {"Design.process_time", "Design.lead_time"}
    story = next(q for q in STEPS if q.key == "Design.story")
    kept = read_reply(filler + "the board meets monthly", story.asked_parts())
    assert "the board meets monthly" in " ".join(r.text for r in kept.values())


@examples(15)  # each reading of up to a hundred words of figures takes a while
@given(HOSTILE_TEXT)
def test_any_reply_is_read_into_the_parts_asked_or_refused(text: str) -> None:
    for step in (FIGURES_STEP, next(q for q in STEPS if q.key == "whole_path")):
        reading = interpret_step(step, text, None)
        if reading.parsed and reading.parsed.get("kind") == "step":
            asked = {p.key for p in step.asked_parts()}
            assert set(reading.parsed["parts"]) <= asked
