"""A question that never went out: its sending failed, or the process sending it stopped
between claiming it and posting it. Nothing the person types afterwards is filed under
it, and the nudge brings it."""

from __future__ import annotations

import pytest

from bot.workshop.bootstrap import Services
from bot.workshop.core.model import Workshop
from storage import interviews, workshops
from tests.fakes import FakeClock, FakeMessenger
from tests.replies import reply_for
from tests.usecases.schedules.cases import TEAM, run_until, start, utc


async def answer_first_question_while_slack_fails(
    services: Services, messenger: FakeMessenger
) -> str:
    """UPO answers their first step; the answer is stored, but the next step cannot be
    sent. Returns what they typed."""
    text = reply_for(messenger.questions_to("UPO")[0].question)
    messenger.fail_next_question = True
    with pytest.raises(ConnectionError):
        await services.answers.handle_direct_message(
            team_id=TEAM, user_id="UPO", text=text, delivery_key=f"message:{TEAM}:UPO:1.1"
        )
    return text


async def stored_keys(services: Services) -> dict[str, str]:
    async with services.deps.database.transaction() as session:
        (interview,) = await interviews.list_active_interviews_of_user(
            session, team_id=TEAM, user_id="UPO"
        )
        answers = await interviews.list_answers_of_interview(session, interview_id=interview.id)
    return {key: answer.raw_text for key, answer in answers.items()}


async def test_a_reply_to_a_question_that_never_went_out_asks_it_instead(
    services: Services, messenger: FakeMessenger
) -> None:
    await start(services, ("product", "UPO"))
    first = messenger.questions_to("UPO")[0].question
    text = await answer_first_question_while_slack_fails(services, messenger)

    # Nothing came back, so they send the same reply again.
    await services.answers.handle_direct_message(
        team_id=TEAM, user_id="UPO", text=text, delivery_key=f"message:{TEAM}:UPO:1.2"
    )

    asked = [q.question.key for q in messenger.questions_to("UPO")]
    assert len(asked) == 2, "the second step goes out now"
    assert asked[0] == first.key != asked[1]
    assert await stored_keys(services) == {first.key: text}, "the reply is not filed under it"


async def test_a_question_claimed_by_a_process_that_stopped_goes_out_with_the_nudge(
    services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    await start(services, ("product", "UPO"))
    await answer_first_question_while_slack_fails(services, messenger)
    async with services.deps.database.transaction() as session:
        (interview,) = await interviews.list_active_interviews_of_user(
            session, team_id=TEAM, user_id="UPO"
        )
    second = services.deps.bank.questions_for(
        await _workshop(services, interview.workshop_id), "product"
    )[1]
    async with services.deps.database.transaction() as session:
        # Another process claims the second step to send it, and is killed before it does.
        assert await interviews.claim_prompt(session, interview_id=interview.id, key=second.key)
    assert await services.asking.resume_unsent_prompts() == 0, "the claim stands"

    await run_until(services, clock, utc(2026, 11, 6))

    assert len(messenger.nudges_to("UPO")) >= 1
    asked = [q.question.key for q in messenger.questions_to("UPO")]
    assert asked[1:] == [second.key], "sent with the first nudge, and only once"


async def _workshop(services: Services, workshop_id: int) -> Workshop:
    async with services.deps.database.transaction() as session:
        workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
    assert workshop is not None
    return workshop
