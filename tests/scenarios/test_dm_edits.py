"""A participant edits and deletes a DM answer in Slack: p2p keeps what they now say, says
so in one line, counts a deleted answer no more and asks it again; a redelivered edit is
applied once, and once the workshop is closed an edit changes nothing."""

from __future__ import annotations

from bot.sandbox import Message
from bot.workshop.core.steps import step_parts
from tests.scenarios.conftest import Harness
from tests.scenarios.test_workshop import (
    answers_of,
    asked_keys,
    finished_analysis,
    from_bot,
    open_question,
    question_key,
    wait_for_reply,
)

FIGURES = "2 days of work over 3 weeks, comes back about a third of the time"


def sent_by(harness: Harness, name: str) -> list[Message]:
    return [m for m in harness.slack.dm_messages(harness[name]) if m.user == harness[name]]


async def idea_lead_days(harness: Harness) -> float | None:
    analysis = await finished_analysis(harness)
    return next(s.lead_days for s in analysis.stages if s.name == "Idea")


def summary_updates(harness: Harness) -> int:
    return sum(
        1
        for call in harness.slack.calls_to("chat.update")
        if call.args.get("channel") == harness.channel
    )


async def status_line(harness: Harness, name: str) -> str:
    await harness.command("fran", "status")
    (line,) = [
        line for line in harness.ephemeral_texts("fran")[-1].splitlines() if f"@{name}" in line
    ]
    return line


async def test_a_dm_answer_edited_or_deleted_in_slack(harness: Harness) -> None:
    await harness.command("fran", "start Edits product=@priya mgmt=@mark")
    priya = harness["priya"]
    await harness.slack.wait_for(lambda: open_question(harness, "priya") is not None)
    before = from_bot(harness, "priya")
    await harness.slack.send_dm(priya, FIGURES)
    await wait_for_reply(harness, "priya", before)
    (answer,) = sent_by(harness, "priya")
    await harness.command("fran", "summary")
    lead_before = await idea_lead_days(harness)
    updates = summary_updates(harness)

    # an edit: stored raw and parsed, said back, and the summary follows in place
    five_weeks = FIGURES.replace("3 weeks", "5 weeks")
    before = from_bot(harness, "priya")
    await harness.slack.edit_dm(priya, answer.ts, five_weeks)
    await wait_for_reply(harness, "priya", before)
    said = harness.dm_texts("priya")[-1]
    assert "Updated your answer to" in said
    assert "Elapsed time: 5 weeks" in said
    figures = (await answers_of(harness, "priya"))["Idea.figures"]
    assert figures.raw_text == five_weeks
    lead = step_parts(figures)["Idea.lead_time"]["parsed"]
    assert (lead["low"], lead["unit"]) == (5, "weeks")
    lead_after = await idea_lead_days(harness)
    assert lead_before is not None
    assert lead_after is not None
    assert lead_after > lead_before
    await harness.slack.wait_for(lambda: summary_updates(harness) > updates, timeout=30)
    assert asked_keys(harness, "priya") == ["Idea.figures", "Idea.story"], "nothing re-asked"

    # a redelivered edit is applied once: a retry of the first edit after a second one
    (first_edit,) = [
        d
        for d in harness.slack.deliveries
        if d.payload.get("event", {}).get("subtype") == "message_changed"
    ]
    four_weeks = FIGURES.replace("3 weeks", "4 weeks")
    before = from_bot(harness, "priya")
    await harness.slack.edit_dm(priya, answer.ts, four_weeks)
    await wait_for_reply(harness, "priya", before)
    before = from_bot(harness, "priya")
    await harness.slack.deliver_event(
        first_edit.payload["event"], retry_num=1, retry_reason="http_timeout"
    )
    await harness.slack.settle(quiet=0.3)
    assert from_bot(harness, "priya") == before, "nothing said again"
    assert (await answers_of(harness, "priya"))["Idea.figures"].raw_text == four_weeks

    # a deletion withdraws the answer, and its step is asked again
    assert "answering, 1 of about" in await status_line(harness, "priya")
    before = from_bot(harness, "priya")
    await harness.slack.delete_dm(priya, answer.ts)
    await harness.slack.wait_for(lambda: from_bot(harness, "priya") >= before + 2, timeout=10)
    await harness.slack.settle(quiet=0.1)
    assert "Idea.figures" not in await answers_of(harness, "priya")
    assert any("is withdrawn" in text for text in harness.dm_texts("priya")[-2:])
    again = open_question(harness, "priya")
    assert again is not None
    assert question_key(again) == "Idea.figures"
    assert await idea_lead_days(harness) is None, "the summary no longer counts it"
    assert "answering, 0 of about" in await status_line(harness, "priya")

    # once the workshop is closed, an edit changes nothing and p2p says nothing
    before = from_bot(harness, "priya")
    await harness.slack.send_dm(priya, FIGURES)
    await wait_for_reply(harness, "priya", before)
    answered_again = sent_by(harness, "priya")[-1]
    await harness.command("fran", "close")
    await harness.slack.settle(quiet=0.3)
    before = from_bot(harness, "priya")
    await harness.slack.edit_dm(priya, answered_again.ts, five_weeks)
    await harness.slack.settle(quiet=0.3)
    assert from_bot(harness, "priya") == before
    assert (await answers_of(harness, "priya"))["Idea.figures"].raw_text == FIGURES
