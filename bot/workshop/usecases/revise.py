"""Changing answers after they were given: a colleague answering a handed-on question,
and a participant reviewing and editing their answers until the workshop closes."""

from __future__ import annotations

from collections.abc import Mapping

from bot.workshop.core.errors import NoActiveWorkshop, QuestionClosed, WorkshopClosed
from bot.workshop.core.model import Answer, Frozen, Interview, Workshop, WorkshopStatus
from bot.workshop.core.questions import Question
from bot.workshop.core.steps import (
    Interpretation,
    expand_answers,
    interpret_parts,
    is_done,
    step_parsed,
    step_parts,
)
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
        if interview.user_id != user_id or is_done(question, answer):
            raise QuestionClosed()
        if workshop.status is not WorkshopStatus.COLLECTING:
            raise WorkshopClosed(title=workshop.title)
        given = step_parts(answer)  # a step partly answered: the form asks for the rest
        return question.model_copy(
            update={"parts": tuple(p for p in question.parts if p.key not in given)}
        )

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
        texts: Mapping[str, str],
        key: str,
    ) -> None:
        """A colleague's answer (the form's fields, by part key) replaces the hand-on,
        credited to them."""
        text = " ".join(t.strip() for t in texts.values() if t.strip())
        async with self.database.transaction() as session:
            if not await inbound.claim_inbound_event(session, key=key, now=self.clock.now()):
                return
            workshop, interview, question, answer = await self._question(
                session, interview_id, question_key
            )
            if answer is None or (answer.parsed or {}).get("delegated_to") != colleague_id:
                raise QuestionClosed()
            reading, _ = interpret_parts(question, dict(texts), None)
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
                for part in expand_answers(answers.values()):
                    question = self.bank.find(workshop, interview.role_key, part.question_key)
                    if question is not None and not (part.parsed or {}).get("delegated_to"):
                        items.append(ReviewItem(question=question, answer=part))
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
            steps = {k: a for a in answers.values() for k in step_parts(a)}
            for key, (text, reading) in edits.items():
                step = steps.get(key)
                if step is not None:
                    answer = answers[step.question_key]
                    parts = step_parts(answer)
                    if parts[key].get("text") == text.strip():
                        continue
                    parts[key] = {"text": text.strip(), "parsed": reading.parsed}
                    answer = answer.model_copy(update={"parsed": step_parsed(parts)})
                    answers[step.question_key] = answer
                else:
                    stored = answers.get(key)
                    if stored is None or stored.raw_text == text.strip():
                        continue
                    answer = stored.model_copy(
                        update={"raw_text": text.strip(), "parsed": reading.parsed}
                    )
                await interviews.replace_answer(
                    session, answer=answer.model_copy(update={"answered_at": self.clock.now()})
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
