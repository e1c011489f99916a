"""Interview use cases: a reply or a click in, the answer stored, the next question out.

Each use case is one unit of work; Slack is told only after the commit. Every delivery
is claimed by an idempotency key inside that unit of work, so a Slack retry or a
double click is acted on once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.workshop.core.errors import CannotHandOver
from bot.workshop.core.interview import interview_progress
from bot.workshop.core.model import Answer, Interview, InterviewStatus, Workshop, WorkshopStatus
from bot.workshop.core.questions import Question
from bot.workshop.core.reply_edits import AnswerReply, filled_by
from bot.workshop.core.steps import (
    Interpretation,
    describe_parts,
    interpret_parts,
    interpret_step,
    missing_parts,
)
from bot.workshop.core.transaction import Transaction
from bot.workshop.ports import Notice, NoticeKind, QuestionPrompt
from bot.workshop.usecases.ask_next import advance_workshop, current_interview
from bot.workshop.usecases.moving_on import WorkshopMover
from storage import inbound, interviews, jobs, replies, workshops

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
DM_COMMANDS = frozenset({"pause", "resume", "help", "review"})


class ConcurrentUpdate(Exception):
    """Somebody else answered first; the use case runs again."""


DOUBLE_CLICK = timedelta(seconds=30)  # a second click this soon after the answer is noise


class _Outbox:
    """What to tell Slack once the unit of work has committed."""

    def __init__(self) -> None:
        self.notices: list[tuple[str, Notice]] = []
        self.retry: QuestionPrompt | None = None
        self.answered: tuple[QuestionPrompt, str, str] | None = None  # prompt, ts, answer
        self.prompt_users: list[str] = []
        self.finished: Workshop | None = None
        self.stored = False  # an answer (or a part of one) was stored
        # A step partly answered and asked again: its earlier message (prompt, ts), closed
        # with what it holds once the new one is out, which then stands for the step.
        self.replaced: tuple[QuestionPrompt, str] | None = None


class AnswerRecorder(WorkshopMover):
    # -- replies ---------------------------------------------------------------------------

    async def handle_direct_message(
        self, *, team_id: str, user_id: str, text: str, delivery_key: str, message_ts: str = ""
    ) -> None:
        """A participant typed in the bot's DM: a command word, or an answer. An answer
        keeps the message's ``message_ts``, so that editing or deleting the message in
        Slack changes it (usecases/edits.py)."""
        word = text.strip().casefold().rstrip(".!")
        if word in DM_COMMANDS:
            await self._dm_command(team_id=team_id, user_id=user_id, word=word, key=delivery_key)
            return
        await self._answer_with_retries(
            team_id=team_id,
            user_id=user_id,
            text=text,
            key=delivery_key,
            expected=None,
            message_ts=message_ts,
        )

    async def answer_from_button(
        self, *, team_id: str, user_id: str, interview_id: int, question_key: str, text: str,
        delivery_key: str, part: str | None = None,
    ) -> bool:  # fmt: skip
        """A quick-answer button, or a menu for one ``part`` of a step: stored like typed
        text, if that question is still open. True when it was stored."""
        return await self._answer_with_retries(
            team_id=team_id,
            user_id=user_id,
            text=text,
            key=delivery_key,
            expected=(interview_id, question_key),
            parts={part: text} if part else None,
        )

    async def answer_from_form(
        self, *, team_id: str, user_id: str, interview_id: int, question_key: str,
        texts: dict[str, str], delivery_key: str,
    ) -> bool:  # fmt: skip
        """The answer form: each field answers one part (a single question has one).
        True when it was stored."""
        return await self._answer_with_retries(
            team_id=team_id,
            user_id=user_id,
            text=" ".join(t for t in texts.values() if t.strip()),
            key=delivery_key,
            expected=(interview_id, question_key),
            parts=texts,
        )

    async def hand_over(
        self,
        *,
        team_id: str,
        user_id: str,
        interview_id: int,
        question_key: str,
        colleague_id: str,
        delivery_key: str,
    ) -> None:
        """ "Not my stage": the question goes to a colleague, and the interview moves on."""
        if colleague_id == user_id:
            raise CannotHandOver(reason="self")
        stored = await self._answer_with_retries(
            team_id=team_id,
            user_id=user_id,
            text="",
            key=f"handover:{delivery_key}",  # apart from any answer under the same key
            expected=(interview_id, question_key),
            reading=Interpretation(accepted=True, parsed={"delegated_to": colleague_id}),
        )
        if not stored:
            return
        async with self.database.transaction() as session:
            interview = await interviews.get_interview(session, interview_id=interview_id)
            assert interview is not None
            workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
            assert workshop is not None
            answers = await interviews.list_answers_of_interview(session, interview_id=interview_id)
        question = self.bank.find(workshop, interview.role_key, question_key)
        assert question is not None
        prompt = QuestionPrompt(
            user_id=colleague_id,
            interview_id=interview_id,
            workshop=workshop,
            role=workshop.role(interview.role_key).name,
            question=question,
            number=len(answers),
            total=len(answers),
            first=False,
        )
        await self.messenger.send_handed_question(prompt, asked_by=user_id)

    async def _answer_with_retries(
        self,
        *,
        team_id: str,
        user_id: str,
        text: str,
        key: str,
        expected: tuple[int, str] | None,
        reading: Interpretation | None = None,
        parts: dict[str, str] | None = None,
        message_ts: str = "",
    ) -> bool:
        """Store the reply; True when it was stored (not a repeat or a stale click)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                outbox = await self._record_answer(
                    team_id=team_id,
                    user_id=user_id,
                    text=text,
                    key=key,
                    expected=expected,
                    reading=reading,
                    parts=parts,
                    message_ts=message_ts,
                )
            except ConcurrentUpdate:
                logger.info("answer raced with another; trying again (%d)", attempt)
                continue
            await self._deliver(outbox, team_id=team_id)
            return outbox.stored
        logger.warning("gave up storing a reply from %s after %d attempts", user_id, MAX_ATTEMPTS)
        return False

    async def _record_answer(
        self,
        *,
        team_id: str,
        user_id: str,
        text: str,
        key: str,
        expected: tuple[int, str] | None,
        reading: Interpretation | None = None,
        parts: dict[str, str] | None = None,
        message_ts: str = "",
    ) -> _Outbox:
        now = self.clock.now()
        outbox = _Outbox()
        async with self.database.transaction() as session:
            if not await inbound.claim_inbound_event(session, key=key, now=now):
                return outbox
            current = await current_interview(session, team_id, user_id, expected)
            # Hold the interview's row: answers to it, and the sending of its questions,
            # take turns, so neither misses what the other did.
            interview = (
                await interviews.lock_interview(session, interview_id=current.id)
                if current is not None
                else None
            )
            if interview is None or interview.status is not InterviewStatus.ACTIVE:
                if expected is None:
                    outbox.notices.append(
                        (user_id, await self._why_nothing(session, team_id, user_id))
                    )
                return outbox
            if interview.paused:
                await interviews.set_paused(
                    session, interview_id=interview.id, paused=False, now=now
                )
            workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
            assert workshop is not None
            answers = await interviews.list_answers_of_interview(session, interview_id=interview.id)
            progress = interview_progress(self.bank, workshop, interview.role_key, answers)
            question = progress.next
            if question is None or (expected is not None and question.key != expected[1]):
                # a stale or repeated click: that question is answered (by typing, say)
                if expected is not None:
                    outbox.notices.extend(
                        self._answered_already(workshop, interview, answers, expected[1])
                    )
                return outbox
            if expected is None and _sent_again(interview, question, answers, text):
                # The question was never sent (its sending failed, or the process stopped
                # first), and they sent their last reply again, having heard nothing: it
                # answers the last question, not this one. Ask this one now instead.
                outbox.prompt_users.append(user_id)
                return outbox
            before = answers.get(question.key)
            if reading is None and parts is not None:
                reading, _ = interpret_parts(question, parts, before)
            reading = reading or interpret_step(question, text, before)
            prompt = await self.asking.prompt(session, workshop, interview, question, answers)
            if not reading.accepted:
                still = missing_parts(question, before) if before is not None else ()
                outbox.retry = prompt.model_copy(
                    update={
                        "retry": True,
                        "first": False,
                        "missing": tuple(p.key for p in still),
                        "have": describe_parts(question, before) if still else "",
                    }
                )
                return outbox
            answer = Answer(
                interview_id=interview.id,
                question_key=question.key,
                stage=question.stage,
                raw_text=text.strip() if before is None else f"{before.raw_text}\n{text.strip()}",
                parsed=reading.parsed,
                answered_at=now,
            )
            if before is None:
                if not await interviews.save_answer(session, answer=answer):
                    raise ConcurrentUpdate()
            elif not await interviews.replace_answer(session, answer=answer):
                raise ConcurrentUpdate()
            if message_ts:
                await replies.save_reply(
                    session,
                    reply=AnswerReply(
                        interview_id=interview.id,
                        question_key=question.key,
                        message_ts=message_ts,
                        text=text.strip(),
                        parts=filled_by(question, before, answer),
                    ),
                )
            await jobs.restart_nudges(session, interview_id=interview.id, now=now)
            answers[question.key] = answer
            outbox.stored = True
            missing = missing_parts(question, answer)
            if missing:
                # Part of a step: keep it, and ask only for the rest (a menu pick waits
                # for the other menus instead).
                if parts is None or len(parts) > 1:
                    outbox.retry = prompt.model_copy(
                        update={
                            "first": False,
                            "missing": tuple(p.key for p in missing),
                            "have": describe_parts(question, answer),
                        }
                    )
                    if interview.prompt_ts and interview.prompted_key == question.key:
                        outbox.replaced = (prompt, interview.prompt_ts)
                await interviews.touch_interview(session, interview_id=interview.id, now=now)
                return outbox
            if (
                expected is not None
                and interview.prompt_ts
                and interview.prompted_key == question.key
            ):
                # A click or a form: the step shows its answer and loses its buttons. A
                # typed reply sits under the step already, and Slack allows few updates a
                # minute: the step is left as it is, and a late click on it is answered.
                outbox.answered = (prompt, interview.prompt_ts, describe_parts(question, answer))
            outbox.prompt_users.append(user_id)
            if interview_progress(self.bank, workshop, interview.role_key, answers).next is None:
                await self._finish(session, workshop, interview, now, outbox)
            else:
                await interviews.touch_interview(session, interview_id=interview.id, now=now)
        return outbox

    async def _why_nothing(self, session: Transaction, team_id: str, user_id: str) -> Notice:
        if await interviews.is_participant(session, team_id=team_id, user_id=user_id):
            return Notice(kind=NoticeKind.NOTHING_PENDING)
        return Notice(kind=NoticeKind.STRANGER)

    async def _finish(
        self,
        session: Transaction,
        workshop: Workshop,
        interview: Interview,
        now: datetime,
        outbox: _Outbox,
    ) -> None:
        """The interview is complete: thank them, start whoever is next, maybe close."""
        if not await interviews.finish_interview(
            session, interview_id=interview.id, status=InterviewStatus.DONE, now=now
        ):
            raise ConcurrentUpdate()
        outbox.notices.append(
            (
                interview.user_id,
                Notice(
                    kind=NoticeKind.INTERVIEW_DONE,
                    context={"title": workshop.title, "channel_id": workshop.channel_id},
                ),
            )
        )
        started, finished = await advance_workshop(session, workshop, now)
        outbox.prompt_users.extend(i.user_id for i in started)
        # A late interview in a closed workshop brings its summary up to date.
        outbox.finished = finished or (
            workshop if workshop.status is WorkshopStatus.CLOSED else None
        )

    def _answered_already(
        self, workshop: Workshop, interview: Interview, answers: dict[str, Answer], key: str
    ) -> list[tuple[str, Notice]]:
        """A click on a step answered a while ago (by typing, say): say what is stored,
        and how to change it. A double click, moments after the first, changes nothing."""
        question = self.bank.find(workshop, interview.role_key, key)
        answer = answers.get(key)
        if question is None or answer is None or missing_parts(question, answer):
            return []
        if self.clock.now() - answer.answered_at < DOUBLE_CLICK:
            return []
        words = describe_parts(question, answer)
        notice = Notice(kind=NoticeKind.ANSWERED_ALREADY, context={"answer": words})
        return [(interview.user_id, notice)]

    async def _deliver(self, outbox: _Outbox, *, team_id: str) -> None:
        if outbox.answered is not None:
            prompt, ts, text = outbox.answered
            await self.messenger.close_question(prompt, ts=ts, answer=text)
        for user_id, notice in outbox.notices:
            await self.messenger.send_notice(user_id, notice)
        if outbox.retry is not None:
            ts = await self.messenger.send_question(outbox.retry)
            if outbox.replaced is not None:
                earlier, earlier_ts = outbox.replaced
                async with self.database.transaction() as session:
                    await interviews.set_prompt_ts(
                        session,
                        interview_id=earlier.interview_id,
                        key=earlier.question.key,
                        ts=ts,
                    )
                await self.messenger.close_question(
                    earlier, ts=earlier_ts, answer=outbox.retry.have
                )
        await self.asking.prompt_users(outbox.prompt_users, team_id=team_id)
        if outbox.finished is not None:
            await self.summaries.publish(outbox.finished)

    # -- pause, resume, help -----------------------------------------------------------------

    async def resume(self, *, team_id: str, user_id: str) -> None:
        """Resume a paused interview (from the Home tab) and ask its question again."""
        await self._dm_command(team_id=team_id, user_id=user_id, word="resume", key=None)

    async def _dm_command(self, *, team_id: str, user_id: str, word: str, key: str | None) -> None:
        now = self.clock.now()
        async with self.database.transaction() as session:
            if key is not None and not await inbound.claim_inbound_event(session, key=key, now=now):
                return
            interview = await current_interview(session, team_id, user_id, None)
            if interview is None:
                notice = await self._why_nothing(session, team_id, user_id)
            elif word == "pause":
                await interviews.set_paused(
                    session, interview_id=interview.id, paused=True, now=now
                )
                notice = Notice(kind=NoticeKind.PAUSED)
            elif word == "resume":
                await interviews.set_paused(
                    session, interview_id=interview.id, paused=False, now=now
                )
                await interviews.release_prompt(
                    session,
                    interview_id=interview.id,
                    key=interview.prompted_key or "",
                    previous=None,
                )
                notice = Notice(kind=NoticeKind.RESUMED)
            elif word == "review":
                notice = Notice(kind=NoticeKind.REVIEW_OFFER)
            else:
                notice = Notice(kind=NoticeKind.DM_HELP)
        await self.messenger.send_notice(user_id, notice)
        if word == "resume":
            await self.asking.prompt_users([user_id], team_id=team_id)


def _sent_again(
    interview: Interview, question: Question, answers: dict[str, Answer], text: str
) -> bool:
    """A typed reply that repeats the last one stored, while the question due has not
    been posted: the person is waiting for it, not answering it. (A different reply, or
    one to a question posted already, answers the question due, as quick typists do.)"""
    if interview.prompted_key == question.key and interview.prompt_ts is not None:
        return False
    if not answers:
        return False
    last = max(answers.values(), key=lambda answer: answer.answered_at)
    return last.question_key != question.key and last.raw_text.strip() == text.strip()
