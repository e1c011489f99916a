"""A DM answer edited or deleted in Slack: the stored answer follows, while the workshop
collects answers. What an edit of one reply means for a step that several replies filled
is in core/reply_edits.py.

Edits and deletions of messages that were not stored as answers (chit-chat, command
words, replies that could not be read, the bot's own messages), and any once the workshop
has closed, change nothing and say nothing. Each change is claimed by its delivery key
in the same unit of work, so a redelivered event is applied once.

A withdrawn answer opens its question again. In an interview still under way that
question is asked straight away, so that what p2p last asked is always what the next
reply answers (an edit that brings in or rules out a follow-up moves the interview on
the same way). A finished interview is not reopened: its person said they were done,
and the summary simply no longer counts what they withdrew.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.workshop.core.interview import interview_progress
from bot.workshop.core.model import Answer, Interview, InterviewStatus, Workshop, WorkshopStatus
from bot.workshop.core.questions import Question
from bot.workshop.core.reply_edits import (
    AnswerReply,
    edited_answer,
    filled_by,
    stands_for,
    withdrawn_answer,
)
from bot.workshop.core.steps import describe_parts
from bot.workshop.core.transaction import Transaction
from bot.workshop.ports import Notice, NoticeKind
from bot.workshop.usecases.answer import DM_COMMANDS
from bot.workshop.usecases.moving_on import WorkshopMover
from storage import inbound, interviews, replies, workshops


@dataclass(frozen=True)
class _Outcome:
    """What to tell Slack once the change is committed."""

    notice: Notice
    workshop_id: int
    changed: bool  # the stored answer changed: the summary follows
    ask_next: bool  # an interview under way: send its next question if it is a new one


def _label(question: Question) -> str:
    label = question.template.label
    return f"{question.stage}: {label}" if question.stage else label


class ReplyEdits(WorkshopMover):
    async def change_reply(
        self, *, team_id: str, user_id: str, message_ts: str, text: str | None, delivery_key: str
    ) -> None:
        """The person edited their DM message at ``message_ts`` to read ``text``, or
        deleted it (``text`` None)."""
        outcome = await self._apply(
            team_id=team_id,
            user_id=user_id,
            message_ts=message_ts,
            text=text,
            delivery_key=delivery_key,
        )
        if outcome is None:
            return
        await self.messenger.send_notice(user_id, outcome.notice)
        if outcome.ask_next:
            await self.asking.prompt_users([user_id], team_id=team_id)
        if outcome.changed:
            await self._refresh_summary(outcome.workshop_id)

    async def _apply(
        self, *, team_id: str, user_id: str, message_ts: str, text: str | None, delivery_key: str
    ) -> _Outcome | None:
        async with self.database.transaction() as session:
            if not await inbound.claim_inbound_event(
                session, key=delivery_key, now=self.clock.now()
            ):
                return None
            reply = await replies.find_reply(
                session, team_id=team_id, user_id=user_id, message_ts=message_ts
            )
            if reply is None:
                return None  # not a message p2p stored as an answer
            # Hold the interview's row, as an answer to it does.
            interview = await interviews.lock_interview(session, interview_id=reply.interview_id)
            assert interview is not None
            workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
            assert workshop is not None
            if workshop.status is not WorkshopStatus.COLLECTING:
                return None
            question = self.bank.find(workshop, interview.role_key, reply.question_key)
            answers = await interviews.list_answers_of_interview(session, interview_id=interview.id)
            answer = answers.get(reply.question_key)
            if question is None or answer is None or not stands_for(question, answer, reply):
                return None
            if text is None:
                return await self._withdraw(session, workshop, interview, question, answers, reply)
            if text.strip() == reply.text:
                return None
            return await self._edit(session, workshop, interview, question, answer, reply, text)

    async def _edit(
        self,
        session: Transaction,
        workshop: Workshop,
        interview: Interview,
        question: Question,
        answer: Answer,
        reply: AnswerReply,
        text: str,
    ) -> _Outcome:
        now = self.clock.now()
        word = text.strip().casefold().rstrip(".!")
        # A command word typed fresh is no answer, so it is none as an edit either.
        edited = None if word in DM_COMMANDS else edited_answer(question, answer, reply, text, now)
        if edited is None:
            notice = Notice(
                kind=NoticeKind.ANSWER_EDIT_REFUSED,
                context={"question": _label(question), "answer": describe_parts(question, answer)},
            )
            return _Outcome(notice, workshop.id, changed=False, ask_next=False)
        await interviews.replace_answer(session, answer=edited)
        others = withdrawn_answer(question, answer, reply)
        await replies.update_reply(
            session,
            reply=reply.model_copy(
                update={"text": text.strip(), "parts": filled_by(question, others, edited)}
            ),
        )
        await interviews.touch_interview(session, interview_id=interview.id, now=now)
        notice = Notice(
            kind=NoticeKind.ANSWER_EDITED,
            context={"question": _label(question), "answer": describe_parts(question, edited)},
        )
        under_way = interview.status is InterviewStatus.ACTIVE
        return _Outcome(notice, workshop.id, changed=True, ask_next=under_way)

    async def _withdraw(
        self,
        session: Transaction,
        workshop: Workshop,
        interview: Interview,
        question: Question,
        answers: dict[str, Answer],
        reply: AnswerReply,
    ) -> _Outcome:
        remaining = withdrawn_answer(question, answers[question.key], reply)
        if remaining is None:
            # its replies go with it
            await interviews.delete_answer(
                session, interview_id=interview.id, question_key=question.key
            )
            answers.pop(question.key)
        else:
            await interviews.replace_answer(session, answer=remaining)
            await replies.delete_reply(session, reply=reply)
            answers[question.key] = remaining
        await interviews.touch_interview(session, interview_id=interview.id, now=self.clock.now())
        ask_next = interview.status is InterviewStatus.ACTIVE and not interview.paused
        following = interview_progress(self.bank, workshop, interview.role_key, answers).next
        if ask_next and following is not None and following.key == interview.prompted_key:
            # The step being asked lost a part: its message goes out again, whole.
            await interviews.release_prompt(
                session, interview_id=interview.id, key=following.key, previous=None
            )
        notice = Notice(
            kind=NoticeKind.ANSWER_WITHDRAWN,
            context={"question": _label(question), "asked_again": int(ask_next)},
        )
        return _Outcome(notice, workshop.id, changed=True, ask_next=ask_next)

    async def _refresh_summary(self, workshop_id: int) -> None:
        """A summary already in the channel is brought up to date in place."""
        async with self.database.transaction() as session:
            current = await workshops.get_workshop(session, workshop_id=workshop_id)
        if current is not None and current.summary_posts is not None:
            await self.summaries.publish(current)
