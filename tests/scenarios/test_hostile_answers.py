"""Hostile answers typed through Slack, end to end: a participant answers every step of a
real interview by DM with generated text (tests/hostile_text.py), the facilitator posts
the summary and opens the stage-by-stage view. Slack accepts everything p2p sends, and
nothing p2p posts pings anyone or links anywhere the participant wrote.

Few examples: each is a whole workshop over loopback HTTP. The properties of every
surface on their own, with many more examples, are in tests/slack/test_hostile_text.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.state import Message
from bot.slack.ids import ActionId
from bot.workshop.core.steps import step_parts
from tests.fakes import FakeClock
from tests.hostile_text import PROFILE, SHORT_TEXT, markup_problems, modal_problems
from tests.scenarios.conftest import Harness, start_harness
from tests.scenarios.test_workshop import answers_of, bot_messages, open_question, question_key

FIGURES = "2 days of work over 3 weeks, comes back rarely, usable 90% of the time."
REFUSED = {"invalid_blocks", "msg_too_long", "invalid_arguments", "view_too_large", "no_text"}
MOST_REPLIES = 16  # a handful of steps, their re-asks and follow-ups


@pytest.fixture
async def harness(database_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    """The scenario harness without Slack's rate limits: the interview's messages come
    as fast as p2p sends them (what is checked here is what they say)."""
    built, runner = await start_harness(database_url, clock=clock, rate_limits="off")
    try:
        yield built
    finally:
        with contextlib.suppress(TimeoutError):
            await built.slack.settle(quiet=0.2, timeout=10)
        await runner.cleanup()
        await built.p2p.close()
        await built.slack.stop()


def as_posted(message: Message) -> dict[str, Any]:
    return {"text": message.text, "blocks": message.blocks or []}


async def reply(harness: Harness, text: str) -> None:
    """Priya types `text` to p2p, and p2p answers."""
    before = len(bot_messages(harness, "priya"))
    await harness.slack.send_dm(harness["priya"], text)
    await harness.slack.wait_for(lambda: len(bot_messages(harness, "priya")) > before, timeout=30)
    await harness.slack.settle(quiet=0.05)


async def answer_every_step(harness: Harness, answers: list[str]) -> None:
    """Priya types the next answer to each step she is asked (figures beside it), and
    skips a step p2p asks again, until she has nothing more to answer."""
    asked: list[str] = []
    for number in range(MOST_REPLIES):
        message = open_question(harness, "priya")
        if message is None:
            return
        key = question_key(message)
        text = "skip" if key in asked else f"{answers[number % len(answers)]} {FIGURES}"
        asked.append(key)
        await reply(harness, text)
    raise AssertionError(f"still asking after {MOST_REPLIES} replies: {asked}")


@settings(
    PROFILE,
    max_examples=min(3, PROFILE.max_examples),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=st.lists(SHORT_TEXT, min_size=1, max_size=4))
async def test_hostile_answers_reach_slack_escaped_and_within_its_limits(
    harness: Harness, answers: list[str]
) -> None:
    # One running app for every example: each runs its workshop in a channel of its own.
    slack, fran, priya = harness.slack, harness["fran"], harness["priya"]
    channel = slack.add_channel(f"path-{len(slack.workspace.conversations)}", members=[fran, priya])
    dms = len(slack.dm_messages(priya))
    await harness.command("fran", 'start "Hostile answers" product=@priya', channel=channel)
    await slack.wait_for(lambda: open_question(harness, "priya"), timeout=30)
    await answer_every_step(harness, answers)
    await harness.command("fran", "summary", channel=channel)
    await slack.wait_for(lambda: slack.channel_messages(channel)[-1].replies, timeout=30)
    await slack.settle(quiet=0.2)
    summary = slack.channel_messages(channel)[-1]
    await slack.click(fran, ActionId.SHOW_STAGES, block_id=None)
    await slack.wait_for(lambda: slack.open_views(fran), timeout=30)
    await slack.settle(quiet=0.2)

    mentions = (fran, priya, channel, slack.dm_channel(priya))
    posted = [
        *slack.channel_messages(channel),
        *summary.replies,
        *slack.dm_messages(priya)[dms:],
    ]
    for message in posted:
        if message.user == priya:
            continue  # what she typed, as Slack shows it to her
        assert markup_problems(as_posted(message), mentions=mentions) == [], message.text[:200]
    for view in slack.open_views(fran):
        assert modal_problems(view.to_api(), mentions=mentions) == []
    refused = [(c.method, c.error) for c in slack.calls if c.error in REFUSED]
    assert refused == [], "Slack refused what p2p sent"
    await slack.close_view(fran, all_views=True)


async def test_a_long_answer_survives_a_review_saved_untouched(harness: Harness) -> None:
    """A form field holds 3,000 characters: the review shows a longer answer cut, and
    saving the review as shown keeps the answer whole."""
    slack, priya = harness.slack, harness["priya"]
    await harness.command("fran", 'start "Long answers" product=@priya')
    await slack.wait_for(lambda: open_question(harness, "priya"), timeout=30)
    long = ("The board meets monthly and sends half of it back. " * 100)[:5000].strip()
    for text in (FIGURES, long):
        await reply(harness, text)
    typed = step_parts((await answers_of(harness, "priya"))["Idea.story"])
    assert max(len(part["text"]) for part in typed.values()) > 3000
    await reply(harness, "review")  # p2p offers the review under a button
    await slack.click(priya, ActionId.REVIEW_ANSWERS)
    await slack.wait_for(lambda: slack.open_views(priya), timeout=30)
    await slack.submit_view(priya)
    await slack.settle(quiet=0.2)
    assert step_parts((await answers_of(harness, "priya"))["Idea.story"]) == typed
