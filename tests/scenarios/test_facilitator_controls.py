"""What facilitators can do to a running workshop, and what others are told they can't."""

from __future__ import annotations

from bot.workshop.core.model import InterviewStatus, WorkshopStatus
from storage import interviews, workshops
from tests.scenarios.conftest import Harness
from tests.scenarios.test_workshop import answer_all_by_typing, open_question

# A reply to the first step, the Product Owner's figures for Idea.
FIGURES = "2 days of work over 3 days, comes back rarely"


async def latest(harness: Harness) -> tuple[object, list[object]]:
    async with harness.p2p.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
    return workshop, everyone


async def test_only_the_facilitator_may_close_and_closing_posts_the_summary(
    harness: Harness,
) -> None:
    await harness.command("fran", "start Closing product=@priya eng=@erin")
    await harness.command("erin", "close")
    assert "Only the facilitator" in harness.ephemeral_texts("erin")[-1]
    assert len(harness.slack.channel_messages(harness.channel)) == 1, "no summary yet"

    await harness.command("fran", "close")
    await harness.slack.settle()
    assert "is closed" in harness.ephemeral_texts("fran")[-1]
    messages = harness.slack.channel_messages(harness.channel)
    assert len(messages) == 2
    assert "Path to production: Closing" in harness.slack.render(messages[-1])
    workshop, everyone = await latest(harness)
    assert workshop.status is WorkshopStatus.CLOSED  # type: ignore[attr-defined]
    statuses = {i.role_key: i.status for i in everyone}  # type: ignore[attr-defined]
    assert statuses == {"product": InterviewStatus.ACTIVE, "engineering": InterviewStatus.SKIPPED}


async def test_a_late_answer_after_close_updates_the_summary_in_place(harness: Harness) -> None:
    await harness.command("fran", "start Late product=@priya")
    await harness.command("fran", "close")
    await harness.slack.settle()
    await answer_all_by_typing(harness, "priya")
    await harness.wait_for_channel(2, containing="updated with late answers")
    await harness.slack.settle()
    messages = harness.slack.channel_messages(harness.channel)
    assert len(messages) == 2, "the summary is updated, not posted again"
    assert "updated with late answers" in harness.slack.render(messages[-1])


async def test_a_co_facilitator_may_skip_a_role_and_the_next_one_starts(harness: Harness) -> None:
    await harness.command("fran", "start Skipping product=@priya eng=@erin co=@mark")
    assert harness.dm_texts("erin") == []
    await harness.command("mark", "skip product")
    await harness.slack.settle()
    assert "Product Owner* is skipped" in harness.ephemeral_texts("mark")[-1]
    assert open_question(harness, "erin") is not None, "engineering's turn has come"
    await harness.command("mark", "skip wizards")
    assert "I don't know the role `wizards`" in harness.ephemeral_texts("mark")[-1]


async def test_cancel_asks_first_and_deletes_nothing(harness: Harness) -> None:
    await harness.command("fran", "start Cancelling product=@priya")
    await harness.slack.send_dm(harness["priya"], FIGURES)
    await harness.command("fran", "cancel")
    assert "Cancel this workshop?" in harness.ephemeral_texts("fran")[-1]
    workshop, _ = await latest(harness)
    assert workshop.status is WorkshopStatus.COLLECTING  # type: ignore[attr-defined]
    await harness.slack.click(harness["fran"], "confirm_cancel")
    await harness.slack.settle()
    workshop, everyone = await latest(harness)
    assert workshop.status is WorkshopStatus.CANCELLED  # type: ignore[attr-defined]
    assert all(i.status is InterviewStatus.SKIPPED for i in everyone)  # type: ignore[attr-defined]
    async with harness.p2p.database.transaction() as session:
        kept = await interviews.list_answers(session, workshop_id=workshop.id)  # type: ignore[attr-defined]
    assert [a.raw_text for a in kept] == [FIGURES]
    await harness.command("fran", "start Again product=@priya")
    assert "has started" in harness.ephemeral_texts("fran")[-1], "the channel is free again"


async def test_remind_sends_the_current_question_again(harness: Harness) -> None:
    await harness.command("fran", "start Reminding product=@priya")
    before = len(harness.dm_texts("priya"))
    await harness.command("fran", "remind @priya")
    await harness.slack.settle()
    texts = harness.dm_texts("priya")[before:]
    assert "would love your answers" in texts[0]
    assert "step 1 of 8" in texts[1]
    assert "Reminded 1 person" in harness.ephemeral_texts("fran")[-1]
    await harness.command("fran", "remind @erin")
    assert "has no questions waiting" in harness.ephemeral_texts("fran")[-1]


async def test_forget_me_deletes_my_answers_after_asking(harness: Harness) -> None:
    await harness.command("fran", "start Forgetting product=@priya")
    await harness.slack.send_dm(harness["priya"], FIGURES)
    await harness.slack.settle()
    workshop, _ = await latest(harness)
    async with harness.p2p.database.transaction() as session:
        kept = await interviews.list_answers(session, workshop_id=workshop.id)  # type: ignore[attr-defined]
    assert [a.raw_text for a in kept] == [FIGURES], "there is an answer to forget"
    await harness.command("priya", "forget-me")
    await harness.slack.click(harness["priya"], "confirm_forget")
    await harness.slack.settle()
    assert "your answers are deleted" in harness.ephemeral_texts("priya")[-1]
    workshop, everyone = await latest(harness)
    async with harness.p2p.database.transaction() as session:
        left = await interviews.list_answers(session, workshop_id=workshop.id)  # type: ignore[attr-defined]
    assert left == []
    assert everyone[0].status is InterviewStatus.SKIPPED  # type: ignore[attr-defined]


async def test_status_shows_each_person_and_role(harness: Harness) -> None:
    await harness.command("fran", "start Statuses product=@priya eng=@erin")
    await harness.slack.send_dm(harness["priya"], FIGURES)
    await harness.slack.settle()
    await harness.command("erin", "status")
    status = harness.ephemeral_texts("erin")[-1]
    assert "Statuses" in status
    assert "0 of 2 interviews done" in status
    assert "Product Owner, @priya: answering, 1 of about 8" in status
    assert "Engineering, @erin: not started: waiting for their turn" in status
    assert "last active" in status


async def test_a_mistyped_sub_command_is_answered_with_the_ones_there_are(
    harness: Harness,
) -> None:
    await harness.command("fran", "strat Checkout")
    reply = harness.ephemeral_texts("fran")[-1]
    assert "`/p2p strat` isn't a command I know" in reply
    assert "/p2p help" in reply
    assert harness.slack.channel_messages(harness.channel) == [], "nothing started"
