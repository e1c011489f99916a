"""Changing answers after they were given: a colleague answering a handed-on question,
and a participant reviewing and editing their answers until the workshop closes."""

from __future__ import annotations

from collections.abc import Mapping

from bot.workshop.core.errors import NoActiveWorkshop, QuestionClosed, WorkshopClosed
from bot.workshop.core.interview import Interpretation
from bot.workshop.core.model import Answer, Frozen, Interview, Workshop, WorkshopStatus
from bot.workshop.core.questions import Question
from bot.workshop.core.transaction import Transaction
from bot.workshop.ports import Dependencies, Notice, NoticeKind, UseCase
from bot.workshop.usecases.summarise import SummaryDesk
from storage import inbound, interviews, workshops

MAX_REVIEW_ITEMS = 90  # a modal holds 100 blocks


class ReviewItem(Frozen):
    question: Question
    answer: Answer


class Review(Frozen):
    workshop: Workshop
    interview: Interview
    role: str
    items: tuple[ReviewItem, ...]
    more: int  # answers that did not fit


class Revisions(UseCase):
    def __init__(self, deps: Dependencies, *, summaries: SummaryDesk) -> None:
        super().__init__(deps)
        self.summaries = summaries

    async def _question(self, session: Transaction, interview_id: int, key: str) -> tuple[
        Workshop, Interview, Question, Answer | None
    ]:  # fmt: skip
        interview = await interviews.get_interview(session, interview_id=interview_id)
        if interview is None:
            raise QuestionClosed()
        workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
        assert workshop is not None
        question = self.bank.find(workshop, interview.role_key, key)
        if question is None:
            raise QuestionClosed()
        answers = await interviews.list_answers_of_interview(session, interview_id=interview_id)
        return workshop, interview, question, answers.get(key)

    async def own_question(self, *, user_id: str, interview_id: int, question_key: str) -> Question:
        """A participant's open question, for answering it in a form."""
        async with self.database.transaction() as session:
            workshop, interview, question, answer = await self._question(
                session, interview_id, question_key
            )
        if interview.user_id != user_id or answer is not None:
            raise QuestionClosed()
        if workshop.status is not WorkshopStatus.COLLECTING:
            raise WorkshopClosed(title=workshop.title)
        return question

    async def handed_question(
        self, *, colleague_id: str, interview_id: int, question_key: str
    ) -> Question:
        """The question a colleague was asked, while it still waits for them."""
        async with self.database.transaction() as session:
            workshop, _, question, answer = await self._question(
                session, interview_id, question_key
            )
        if answer is None or (answer.parsed or {}).get("delegated_to") != colleague_id:
            raise QuestionClosed()
        if workshop.status is not WorkshopStatus.COLLECTING:
            raise WorkshopClosed(title=workshop.title)
        return question

    async def answer_handed(
        self,
        *,
        colleague_id: str,
        interview_id: int,
        question_key: str,
        reading: Interpretation,
        text: str,
        key: str,
    ) -> None:
        """A colleague's answer replaces the hand-on, credited to them."""
        async with self.database.transaction() as session:
            if not await inbound.claim_inbound_event(session, key=key, now=self.clock.now()):
                return
            workshop, interview, _question, answer = await self._question(
                session, interview_id, question_key
            )
            if answer is None or (answer.parsed or {}).get("delegated_to") != colleague_id:
                raise QuestionClosed()
            await interviews.replace_answer(
                session,
                answer=answer.model_copy(
                    update={
                        "raw_text": text.strip(),
                        "parsed": reading.parsed,
                        "answered_at": self.clock.now(),
                        "answered_by": colleague_id,
                    }
                ),
            )
        await self.messenger.send_notice(
            interview.user_id,
            Notice(
                kind=NoticeKind.HANDED_ANSWERED,
                context={"colleague": colleague_id, "text": text.strip()},
            ),
        )
        await self._refresh_summary(workshop)

    async def review(self, *, team_id: str, user_id: str) -> Review:
        """The answers a participant can still change: their latest collecting workshop."""
        async with self.database.transaction() as session:
            mine = await interviews.list_interviews_of_user(
                session, team_id=team_id, user_id=user_id
            )
            for interview in mine:
                workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
                assert workshop is not None
                if workshop.status is not WorkshopStatus.COLLECTING:
                    continue
                answers = await interviews.list_answers_of_interview(
                    session, interview_id=interview.id
                )
                if not answers:
                    continue
                items = []
                for key, answer in answers.items():
                    question = self.bank.find(workshop, interview.role_key, key)
                    if question is not None and not (answer.parsed or {}).get("delegated_to"):
                        items.append(ReviewItem(question=question, answer=answer))
                return Review(
                    workshop=workshop,
                    interview=interview,
                    role=workshop.role(interview.role_key).name,
                    items=tuple(items[:MAX_REVIEW_ITEMS]),
                    more=max(len(items) - MAX_REVIEW_ITEMS, 0),
                )
        raise NoActiveWorkshop()

    async def save_review(
        self, *, user_id: str, interview_id: int, edits: Mapping[str, tuple[str, Interpretation]]
    ) -> int:
        """Store the changed answers; returns how many changed."""
        changed = 0
        async with self.database.transaction() as session:
            interview = await interviews.lock_interview(session, interview_id=interview_id)
            if interview is None or interview.user_id != user_id:
                raise QuestionClosed()
            workshop = await workshops.get_workshop(session, workshop_id=interview.workshop_id)
            assert workshop is not None
            if workshop.status is not WorkshopStatus.COLLECTING:
                raise WorkshopClosed(title=workshop.title)
            answers = await interviews.list_answers_of_interview(session, interview_id=interview_id)
            for key, (text, reading) in edits.items():
                answer = answers.get(key)
                if answer is None or answer.raw_text == text.strip():
                    continue
                await interviews.replace_answer(
                    session,
                    answer=answer.model_copy(
                        update={
                            "raw_text": text.strip(),
                            "parsed": reading.parsed,
                            "answered_at": self.clock.now(),
                        }
                    ),
                )
                changed += 1
        await self.messenger.send_notice(
            user_id, Notice(kind=NoticeKind.REVIEW_SAVED, context={"changed": changed})
        )
        if changed:
            await self._refresh_summary(workshop)
        return changed

    async def _refresh_summary(self, workshop: Workshop) -> None:
        """A summary already in the channel is brought up to date in place."""
        async with self.database.transaction() as session:
            current = await workshops.get_workshop(session, workshop_id=workshop.id)
        if current is not None and current.summary_posts is not None:
            await self.summaries.publish(current)
