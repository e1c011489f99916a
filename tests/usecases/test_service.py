"""Use cases against a real database (SQLite or PostgreSQL) with fake Slack edges."""

from __future__ import annotations

import asyncio

import pytest

from bot.workshop.bootstrap import Services
from bot.workshop.core.errors import (
    BotNotInChannel,
    NoActiveWorkshop,
    NoParticipants,
    UnknownRole,
    WorkshopAlreadyActive,
)
from bot.workshop.core.model import InterviewMode, InterviewStatus
from bot.workshop.core.planning import RoleRequest, StartRequest
from bot.workshop.ports import NoticeKind
from bot.workshop.usecases.answer import AnswerRecorder
from bot.workshop.usecases.start import WorkshopStarter
from storage import interviews, workshops
from storage.db import Database
from tests.fakes import FakeMessenger
from tests.replies import reply_for

TEAM, CHANNEL, FACILITATOR = "T1", "C1", "UFAC"


HANDED_ON = "We talk it over."  # what every role says it hands on


@pytest.fixture
def service(services: Services) -> WorkshopStarter:
    return services.starter


@pytest.fixture
def interviewer(services: Services) -> AnswerRecorder:
    return services.answers


def start_request(*roles: tuple[str, tuple[str, ...]], **kwargs: object) -> StartRequest:
    return StartRequest(
        team_id=TEAM,
        channel_id=kwargs.pop("channel_id", CHANNEL),  # type: ignore[arg-type]
        user_id=FACILITATOR,
        title="Checkout revamp",
        roles=tuple(RoleRequest(word=w, user_ids=ids) for w, ids in roles),
        **kwargs,  # type: ignore[arg-type]
    )


async def answer_everything(
    interviewer: AnswerRecorder, messenger: FakeMessenger, user_id: str
) -> None:
    """Answer each step the user is asked (all its parts in one reply, or the parts still
    missing) until they are asked no more."""
    answered = 0
    while True:
        asked = messenger.questions_to(user_id)
        if len(asked) <= answered:
            return
        prompt = asked[-1]
        answered = len(asked)
        await interviewer.handle_direct_message(
            team_id=TEAM,
            user_id=user_id,
            text=reply_for(prompt.question, missing=prompt.missing, texts={"handover": HANDED_ON}),
            delivery_key=f"message:{TEAM}:{user_id}:{user_id}.{answered}",
        )


async def test_in_turn_roles_are_interviewed_in_path_order(
    service: WorkshopStarter, interviewer: AnswerRecorder, messenger: FakeMessenger
) -> None:
    await service.start_workshop(
        start_request(("ops", ("UOPS",)), ("eng", ("UENG",)), ("product", ("UPO",)))
    )
    assert [p.user_id for p in messenger.questions] == ["UPO"]
    assert messenger.questions[0].first
    assert len(messenger.announcements) == 1

    await answer_everything(interviewer, messenger, "UPO")
    assert messenger.questions_to("UENG"), "engineering starts when the product owner is done"
    assert not messenger.questions_to("UOPS")
    assert messenger.notices_to("UPO")[-1].kind is NoticeKind.INTERVIEW_DONE

    await answer_everything(interviewer, messenger, "UENG")
    await answer_everything(interviewer, messenger, "UOPS")
    assert len(messenger.summaries) == 1, "the summary is posted once, when everyone is done"
    analysis, previous = messenger.summaries[0]
    assert previous is None
    assert analysis.roles_answered == analysis.roles_total == 3
    assert [s.name for s in analysis.stages][:3] == ["Idea", "Approval", "Design"]
    idea = analysis.stages[0]
    assert idea.roles == ("Product Owner",)
    assert idea.process_days == pytest.approx(0.5), "half a day of work"


async def test_first_question_shows_what_the_role_before_hands_over(
    service: WorkshopStarter, interviewer: AnswerRecorder, messenger: FakeMessenger
) -> None:
    await service.start_workshop(start_request(("product", ("UPO",)), ("eng", ("UENG",))))
    await answer_everything(interviewer, messenger, "UPO")
    first = messenger.questions_to("UENG")[0]
    assert first.first
    assert first.upstream is not None
    assert first.upstream.role == "Product Owner"
    handing_on = next(p for p in messenger.questions_to("UPO") if p.question.key == "handing_on")
    typed = reply_for(handing_on.question, texts={"handover": HANDED_ON})
    assert typed.startswith(HANDED_ON)
    assert first.upstream.text == typed, "the hand-over, as typed (its only text part)"
    assert first.question.key == "Design.figures", "the first stage engineering takes over"
    assert "Design.receive_pca" in [p.key for p in first.question.asked_parts()], (
        "the receiver says how usable what it receives is"
    )


async def test_a_redelivered_message_is_stored_once_and_answered_once(
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
    database: Database,
) -> None:
    await service.start_workshop(
        start_request(
            ("product", ("UPO",)),
        )
    )
    text = reply_for(messenger.questions_to("UPO")[0].question)
    for _ in range(2):
        await interviewer.handle_direct_message(
            team_id=TEAM,
            user_id="UPO",
            text=text,
            delivery_key=f"message:{TEAM}:UPO:1.1",
        )
    assert len(messenger.questions_to("UPO")) == 2
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert [(a.question_key, a.raw_text) for a in stored] == [("Idea.figures", text)]


async def test_concurrent_replies_each_answer_one_question(
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
    database: Database,
) -> None:
    await service.start_workshop(
        start_request(
            ("product", ("UPO",)),
        )
    )
    # Each reads as the first step's figures, and as the second step's story.
    texts = [
        f"Half a day of work, over 2-3 weeks, comes back rarely. A full reply {n}." for n in (0, 1)
    ]
    await asyncio.gather(
        *(
            interviewer.handle_direct_message(
                team_id=TEAM,
                user_id="UPO",
                text=text,
                delivery_key=f"message:{TEAM}:UPO:2.{n}",
            )
            for n, text in enumerate(texts)
        )
    )
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert sorted(a.raw_text for a in stored) == texts
    assert [a.question_key for a in stored] == ["Idea.figures", "Idea.story"]


async def test_an_unreadable_duration_is_asked_again_not_stored(
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
    database: Database,
) -> None:
    await service.start_workshop(
        start_request(
            ("product", ("UPO",)),
        )
    )
    await interviewer.handle_direct_message(
        team_id=TEAM, user_id="UPO", text="2 hours of work", delivery_key=f"message:{TEAM}:UPO:3.1"
    )
    asked = messenger.questions_to("UPO")[-1]
    assert asked.missing == ("Idea.lead_time", "Idea.rework"), "the elapsed time is wanted"
    await interviewer.handle_direct_message(
        team_id=TEAM, user_id="UPO", text="it varies a lot", delivery_key=f"message:{TEAM}:UPO:3.9"
    )
    again = messenger.questions_to("UPO")[-1]
    assert again.retry
    assert again.question.key == asked.question.key == "Idea.figures"
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert [(a.question_key, a.raw_text) for a in stored] == [("Idea.figures", "2 hours of work")]


async def test_strangers_and_waiting_participants_are_told_why_nothing_is_asked(
    service: WorkshopStarter, interviewer: AnswerRecorder, messenger: FakeMessenger
) -> None:
    await interviewer.handle_direct_message(
        team_id=TEAM, user_id="UX", text="hi", delivery_key=f"message:{TEAM}:UX:4.1"
    )
    assert messenger.notices_to("UX")[-1].kind is NoticeKind.STRANGER
    await service.start_workshop(start_request(("product", ("UPO",)), ("eng", ("UENG",))))
    await interviewer.handle_direct_message(
        team_id=TEAM, user_id="UENG", text="hi", delivery_key=f"message:{TEAM}:UENG:4.2"
    )
    assert messenger.notices_to("UENG")[-1].kind is NoticeKind.NOTHING_PENDING


async def test_a_question_that_failed_to_send_goes_out_after_a_restart(
    services: Services,
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
    database: Database,
) -> None:
    await service.start_workshop(
        start_request(
            ("product", ("UPO",)),
        )
    )
    text = reply_for(messenger.questions_to("UPO")[0].question)
    messenger.fail_next_question = True
    with pytest.raises(ConnectionError):
        await interviewer.handle_direct_message(
            team_id=TEAM, user_id="UPO", text=text, delivery_key=f"message:{TEAM}:UPO:5.1"
        )
    assert len(messenger.questions_to("UPO")) == 1
    assert await services.asking.resume_unsent_prompts() == 1
    assert [q.number for q in messenger.questions_to("UPO")] == [1, 2]
    assert await services.asking.resume_unsent_prompts() == 0


async def test_start_refuses_what_it_cannot_run(
    services: Services,
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
) -> None:
    with pytest.raises(UnknownRole):
        await service.start_workshop(start_request(("wizard", ("U1",))))
    with pytest.raises(NoParticipants):
        await service.start_workshop(start_request())
    with pytest.raises(BotNotInChannel):
        await service.start_workshop(start_request(("eng", ("U1",)), channel_id="C9"))
    await service.start_workshop(start_request(("eng", ("U1",))))
    with pytest.raises(WorkshopAlreadyActive):
        await service.start_workshop(start_request(("eng", ("U2",))))
    with pytest.raises(NoActiveWorkshop):
        await services.summaries.publish_in_channel(team_id=TEAM, channel_id="C2")


async def test_all_at_once_asks_one_role_at_a_time_of_a_person_with_two_roles(
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
    database: Database,
) -> None:
    await service.start_workshop(
        start_request(("product", ("UA",)), ("qa", ("UA", "UB")), mode=InterviewMode.ALL_AT_ONCE)
    )
    assert sorted(p.user_id for p in messenger.questions) == ["UA", "UB"]
    await answer_everything(interviewer, messenger, "UA")
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        states = {
            (i.user_id, i.role_key): i.status
            for i in await interviews.list_interviews(session, workshop_id=workshop.id)
        }
    assert states[("UA", "product")] is InterviewStatus.DONE
    assert states[("UA", "quality")] is InterviewStatus.DONE
    assert states[("UB", "quality")] is InterviewStatus.ACTIVE
    assert messenger.summaries == []


async def test_summary_on_demand_is_posted_then_updated_in_place(
    services: Services,
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
) -> None:
    await service.start_workshop(
        start_request(
            ("product", ("UPO",)),
        )
    )
    first = await services.summaries.publish_in_channel(team_id=TEAM, channel_id=CHANNEL)
    second = await services.summaries.publish_in_channel(team_id=TEAM, channel_id=CHANNEL)
    assert first.kind is NoticeKind.SUMMARY_POSTED
    assert second.kind is NoticeKind.SUMMARY_UPDATED
    assert [p.parent_ts if p else None for _, p in messenger.summaries] == [None, "200.1"]
    assert messenger.summaries[0][0].roles_answered == 0


async def test_a_vague_answer_earns_one_request_for_an_example(
    service: WorkshopStarter, interviewer: AnswerRecorder, messenger: FakeMessenger
) -> None:
    await service.start_workshop(start_request(("product", ("UPO",))))
    for n, text in enumerate(("1 day of work, over 2 days, comes back rarely.", "stuff")):
        await interviewer.handle_direct_message(
            team_id=TEAM, user_id="UPO", text=text, delivery_key=f"message:{TEAM}:UPO:6.{n}"
        )
    probe = messenger.questions_to("UPO")[-1]
    assert probe.question.key == "Idea.pain.example"
    assert probe.extra, "a follow-up is not counted as a step"
    await interviewer.handle_direct_message(
        team_id=TEAM, user_id="UPO", text="meh", delivery_key=f"message:{TEAM}:UPO:6.9"
    )
    assert messenger.questions_to("UPO")[-1].question.key == "Design.figures"


async def test_pause_holds_questions_and_resume_asks_again(
    services: Services,
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
) -> None:
    await service.start_workshop(start_request(("product", ("UPO",))))
    await interviewer.handle_direct_message(
        team_id=TEAM, user_id="UPO", text="pause", delivery_key=f"message:{TEAM}:UPO:7.1"
    )
    assert messenger.notices_to("UPO")[-1].kind is NoticeKind.PAUSED
    assert await services.asking.resume_unsent_prompts() == 0
    await interviewer.handle_direct_message(
        team_id=TEAM, user_id="UPO", text="Resume", delivery_key=f"message:{TEAM}:UPO:7.2"
    )
    assert messenger.notices_to("UPO")[-1].kind is NoticeKind.RESUMED
    asked = messenger.questions_to("UPO")
    assert [q.question.key for q in asked] == ["Idea.figures", "Idea.figures"]


async def test_a_quick_answer_counts_once_and_a_stale_click_is_ignored(
    service: WorkshopStarter,
    interviewer: AnswerRecorder,
    messenger: FakeMessenger,
    database: Database,
) -> None:
    await service.start_workshop(start_request(("product", ("UPO",))))
    first = messenger.questions_to("UPO")[0]
    for action in ("a1", "a2"):  # a double click
        await interviewer.answer_from_button(
            team_id=TEAM,
            user_id="UPO",
            interview_id=first.interview_id,
            question_key=first.question.key,
            text="skip",
            delivery_key=f"action:{TEAM}:UPO:{action}",
        )
    async with database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
        assert workshop is not None
        stored = await interviews.list_answers(session, workshop_id=workshop.id)
    assert [(a.question_key, a.parsed) for a in stored] == [("Idea.figures", {"skipped": True})]
    assert messenger.closed == [("300.1", "skip")], "the answered question loses its buttons"
    assert len(messenger.questions_to("UPO")) == 2


async def test_a_long_wait_earns_the_waiting_for_probe(
    service: WorkshopStarter, interviewer: AnswerRecorder, messenger: FakeMessenger
) -> None:
    await service.start_workshop(start_request(("product", ("UPO",))))
    replies = {"figures": "2 hours of work, over 3 weeks, comes back rarely."}
    n = 0
    while (asked := messenger.questions_to("UPO")[-1]).question.base_key != "waiting_for":
        n += 1
        assert n < 20, "the waiting_for probe was never asked"
        text = replies.get(asked.question.base_key) or reply_for(
            asked.question, missing=asked.missing
        )
        await interviewer.handle_direct_message(
            team_id=TEAM, user_id="UPO", text=text, delivery_key=f"message:{TEAM}:UPO:8.{n}"
        )
    assert asked.question.key == "Idea.waiting_for"
    assert n == 2, "asked straight after the stage's figures and story"
