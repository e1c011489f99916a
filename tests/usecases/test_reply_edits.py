"""A DM answer edited or deleted in Slack, on a real database: the stored answer follows
while the workshop is open, a redelivery is applied once, and everything else is left
alone without a word."""

from __future__ import annotations

import pytest

from bot.workshop.bootstrap import Services
from bot.workshop.core.model import Answer, InterviewStatus
from bot.workshop.core.steps import step_parts
from bot.workshop.ports import Notice, NoticeKind
from storage import interviews, replies, workshops
from storage.db import Database
from tests.fakes import FakeMessenger
from tests.replies import reply_for
from tests.usecases.test_service import CHANNEL, FACILITATOR, TEAM, start_request

FIGURES = "2 days of work over 3 weeks, comes back a third of the time"
SHORT_FIGURES = "1 day of work over 2 days, comes back rarely"  # earns no follow-up
STORY = "Idea written up and agreed. Nobody owns the final call here."


async def type_reply(services: Services, user: str, text: str, ts: str) -> None:
    await services.answers.handle_direct_message(
        team_id=TEAM,
        user_id=user,
        text=text,
        delivery_key=f"message:{TEAM}:{user}:{ts}",
        message_ts=ts,
    )


async def edit(services: Services, user: str, ts: str, text: str, *, at: str) -> None:
    await services.edits.change_reply(
        team_id=TEAM,
        user_id=user,
        message_ts=ts,
        text=text,
        delivery_key=f"edit:{TEAM}:{user}:{ts}:{at}",
    )


async def delete(services: Services, user: str, ts: str) -> None:
    await services.edits.change_reply(
        team_id=TEAM, user_id=user, message_ts=ts, text=None, delivery_key=f"delete:{TEAM}:{ts}"
    )


async def stored(database: Database, user: str = "UPO") -> dict[str, Answer]:
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        (interview,) = [i for i in everyone if i.user_id == user]
        return await interviews.list_answers_of_interview(session, interview_id=interview.id)


async def status_of(database: Database, user: str = "UPO") -> InterviewStatus:
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
    (interview,) = [i for i in everyone if i.user_id == user]
    return interview.status


def said(answer: Answer) -> dict[str, str]:
    return {key: value["text"] for key, value in step_parts(answer).items()}


def last_notice(messenger: FakeMessenger, user: str = "UPO") -> Notice:
    return messenger.notices_to(user)[-1]


def asked(messenger: FakeMessenger, user: str = "UPO") -> list[str]:
    return [q.question.key for q in messenger.questions_to(user)]


@pytest.fixture
async def product(services: Services) -> Services:
    """A workshop of the Product Owner (UPO) and engineering (UENG), in turn."""
    await services.starter.start_workshop(start_request(("product", ("UPO",)), ("eng", ("UENG",))))
    return services


async def test_an_edited_answer_is_read_again_and_said_back(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", FIGURES, "1.1")

    await edit(product, "UPO", "1.1", FIGURES.replace("3 weeks", "5 weeks"), at="1.5")

    figures = (await stored(database))["Idea.figures"]
    assert figures.raw_text == FIGURES.replace("3 weeks", "5 weeks")
    lead = step_parts(figures)["Idea.lead_time"]
    assert (lead["text"], lead["parsed"]["low"], lead["parsed"]["unit"]) == ("5 weeks", 5, "weeks")
    assert said(figures)["Idea.process_time"] == "2 days of work"
    notice = last_notice(messenger)
    assert notice.kind is NoticeKind.ANSWER_EDITED
    assert notice.context["question"] == "Idea: The figures"
    assert "Elapsed time: 5 weeks" in str(notice.context["answer"])
    assert asked(messenger) == ["Idea.figures", "Idea.story"], "nothing asked again"


async def test_a_redelivered_edit_is_applied_once(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", FIGURES, "1.1")
    five, four = FIGURES.replace("3 weeks", "5 weeks"), FIGURES.replace("3 weeks", "4 weeks")

    await edit(product, "UPO", "1.1", five, at="1.5")
    await edit(product, "UPO", "1.1", four, at="1.6")
    await edit(product, "UPO", "1.1", five, at="1.5")  # Slack delivers the first edit again

    assert (await stored(database))["Idea.figures"].raw_text == four
    edited = [n for n in messenger.notices_to("UPO") if n.kind is NoticeKind.ANSWER_EDITED]
    assert len(edited) == 2


async def test_an_unreadable_edit_keeps_the_answer_and_says_so(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", FIGURES, "1.1")
    await type_reply(product, "UPO", STORY, "1.2")

    await edit(product, "UPO", "1.1", "it depends, really", at="1.5")
    await edit(product, "UPO", "1.1", "2 days of work", at="1.6")  # the rest is gone
    await edit(product, "UPO", "1.2", "pause", at="1.7")  # a command word, not a story

    assert (await stored(database))["Idea.figures"].raw_text == FIGURES
    assert (await stored(database))["Idea.story"].raw_text == STORY
    refused = [n for n in messenger.notices_to("UPO") if n.kind is NoticeKind.ANSWER_EDIT_REFUSED]
    assert len(refused) == 3
    assert "Elapsed time: 3 weeks" in str(refused[0].context["answer"])
    async with product.deps.database.transaction() as session:
        reply = await replies.find_reply(session, team_id=TEAM, user_id="UPO", message_ts="1.1")
    assert reply is not None
    assert reply.text == FIGURES, "the reply is kept as it was stored"


async def test_editing_one_of_a_steps_replies_rereads_only_its_parts(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", "2 days of work over 3 weeks", "1.1")
    assert messenger.questions_to("UPO")[-1].missing == ("Idea.rework",)
    await type_reply(product, "UPO", "comes back rarely", "1.2")

    await edit(product, "UPO", "1.2", "comes back most of the time", at="1.5")
    await edit(product, "UPO", "1.1", "3 days of work over 3 weeks", at="1.6")

    figures = (await stored(database))["Idea.figures"]
    assert said(figures) == {
        "Idea.process_time": "3 days of work",
        "Idea.lead_time": "3 weeks",
        "Idea.rework": "comes back most of the time",  # the only part it wants: all of it
    }
    assert figures.raw_text == "3 days of work over 3 weeks\ncomes back most of the time"
    assert asked(messenger) == ["Idea.figures", "Idea.figures", "Idea.story"]


async def test_a_deleted_answer_is_withdrawn_and_asked_again_before_going_on(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", SHORT_FIGURES, "1.1")
    await type_reply(product, "UPO", STORY, "1.2")
    assert asked(messenger) == ["Idea.figures", "Idea.story", "Design.figures"]

    await delete(product, "UPO", "1.1")
    await delete(product, "UPO", "1.1")  # redelivered

    assert sorted(await stored(database)) == ["Idea.story"]
    notice = last_notice(messenger)
    assert notice.kind is NoticeKind.ANSWER_WITHDRAWN
    assert notice.context == {"question": "Idea: The figures", "asked_again": 1}
    assert asked(messenger)[3:] == ["Idea.figures"], "asked again, once"

    again = "half a day of work over 1 day, comes back rarely"
    await type_reply(product, "UPO", again, "1.3")
    assert asked(messenger)[4:] == ["Design.figures"], "then back where they were"
    assert (await stored(database))["Idea.figures"].raw_text == again


async def test_deleting_part_of_the_step_being_asked_asks_again_for_what_it_took(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", "2 days of work", "1.1")
    await type_reply(product, "UPO", "over 3 weeks", "1.2")
    assert messenger.questions_to("UPO")[-1].missing == ("Idea.rework",)

    await delete(product, "UPO", "1.1")

    figures = (await stored(database))["Idea.figures"]
    assert said(figures) == {"Idea.lead_time": "over 3 weeks"}
    assert figures.raw_text == "over 3 weeks"
    again = messenger.questions_to("UPO")[-1]
    assert again.question.key == "Idea.figures"
    assert len(messenger.questions_to("UPO")) == 4, "asked again"
    assert again.missing == ("Idea.process_time", "Idea.rework"), "only what is missing"
    assert again.have == "Elapsed time: over 3 weeks"


async def test_a_finished_interview_is_not_reopened_but_the_summary_drops_the_answer(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    first_ts: dict[str, str] = {}
    n = 0
    while (await status_of(database)) is InterviewStatus.ACTIVE:
        n += 1
        assert n < 30, "the interview never ended"
        prompt = messenger.questions_to("UPO")[-1]
        first_ts.setdefault(prompt.question.key, f"2.{n}")
        text = SHORT_FIGURES if prompt.question.key == "Idea.figures" else None
        text = text or reply_for(prompt.question, missing=prompt.missing)
        await type_reply(product, "UPO", text, f"2.{n}")
    await product.summaries.publish_in_channel(team_id=TEAM, channel_id=CHANNEL)
    before = len(messenger.summaries)
    idea = next(s for s in messenger.summaries[-1][0].stages if s.name == "Idea")
    assert idea.process_days == pytest.approx(1)
    questions = len(messenger.questions_to("UPO"))

    await delete(product, "UPO", first_ts["Idea.figures"])

    assert "Idea.figures" not in await stored(database)
    assert await status_of(database) is InterviewStatus.DONE
    assert len(messenger.questions_to("UPO")) == questions, "not asked again"
    assert last_notice(messenger).context == {"question": "Idea: The figures", "asked_again": 0}
    assert len(messenger.summaries) == before + 1, "the summary is updated in place"
    analysis, previous = messenger.summaries[-1]
    assert previous is not None
    idea = next(s for s in analysis.stages if s.name == "Idea")
    assert idea.process_days is None, "no longer counted"


async def test_edits_after_the_workshop_closed_change_nothing(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", FIGURES, "1.1")
    await product.controls.close(team_id=TEAM, channel_id=CHANNEL, user_id=FACILITATOR)
    notices = len(messenger.notices)

    await edit(product, "UPO", "1.1", FIGURES.replace("3 weeks", "5 weeks"), at="1.5")
    await delete(product, "UPO", "1.1")

    assert (await stored(database))["Idea.figures"].raw_text == FIGURES
    assert len(messenger.notices) == notices, "nothing said"


async def test_messages_that_were_not_answers_are_ignored_quietly(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", "it varies a lot", "1.1")  # read as nothing: asked again
    await type_reply(product, "UPO", "pause", "1.2")
    notices, questions = len(messenger.notices), len(messenger.questions)

    await edit(product, "UPO", "1.1", FIGURES, at="1.5")
    await delete(product, "UPO", "1.2")
    await edit(product, "UPO", "9.9", FIGURES, at="1.6")  # never seen
    await edit(product, "UENG", "1.1", FIGURES, at="1.7")  # somebody else's ts

    assert await stored(database) == {}
    assert (len(messenger.notices), len(messenger.questions)) == (notices, questions)


async def test_forget_me_takes_the_replies_with_the_answers(
    product: Services, messenger: FakeMessenger, database: Database
) -> None:
    await type_reply(product, "UPO", FIGURES, "1.1")
    await product.controls.forget(team_id=TEAM, user_id="UPO")

    async with database.transaction() as session:
        found = await replies.find_reply(session, team_id=TEAM, user_id="UPO", message_ts="1.1")
    assert found is None
    await edit(product, "UPO", "1.1", FIGURES.replace("3 weeks", "5 weeks"), at="1.5")
    assert await stored(database) == {}
